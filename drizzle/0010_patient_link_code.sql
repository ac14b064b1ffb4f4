CREATE TABLE "patient_link_code" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"used_by" uuid,
	"revoked_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "patient_link_code" ADD CONSTRAINT "patient_link_code_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_link_code" ADD CONSTRAINT "patient_link_code_patient_id_patient_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patient"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_link_code" ADD CONSTRAINT "patient_link_code_used_by_app_user_id_fk" FOREIGN KEY ("used_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_link_code" ADD CONSTRAINT "patient_link_code_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "patient_link_code_hash_key" ON "patient_link_code" USING btree ("code_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "patient_link_code_open_key" ON "patient_link_code" USING btree ("patient_id") WHERE "patient_link_code"."used_at" IS NULL AND "patient_link_code"."revoked_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "patient_clinic_user_key" ON "patient" USING btree ("clinic_id","user_id");