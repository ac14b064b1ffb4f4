CREATE TABLE "payment_settings" (
	"clinic_id" uuid PRIMARY KEY NOT NULL,
	"merchant_name" text NOT NULL,
	"merchant_city" text NOT NULL,
	"account" text NOT NULL,
	"account_scheme" text DEFAULT '' NOT NULL,
	"upi_vpa" text DEFAULT '' NOT NULL,
	"updated_by" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "payment_settings" ADD CONSTRAINT "payment_settings_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_settings" ADD CONSTRAINT "payment_settings_updated_by_app_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;