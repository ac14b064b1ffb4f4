CREATE TYPE "public"."arrival_timing" AS ENUM('on_time', 'early', 'late', 'walk_in');--> statement-breakpoint
CREATE TYPE "public"."queue_token_status" AS ENUM('waiting', 'with_doctor', 'completed', 'skipped', 'no_show');--> statement-breakpoint
CREATE TYPE "public"."visit_status" AS ENUM('open', 'completed');--> statement-breakpoint
CREATE TABLE "display_key" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "queue_token" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"day" date NOT NULL,
	"number" integer NOT NULL,
	"prefix" text DEFAULT '' NOT NULL,
	"doctor_id" uuid,
	"patient_id" uuid NOT NULL,
	"appointment_id" uuid,
	"status" "queue_token_status" DEFAULT 'waiting' NOT NULL,
	"arrival" "arrival_timing" NOT NULL,
	"arrival_minutes" integer,
	"urgent" boolean DEFAULT false NOT NULL,
	"urgent_reason" text,
	"urgent_at" timestamp with time zone,
	"returned_at" timestamp with time zone,
	"manual_due_at" timestamp with time zone,
	"skip_count" integer DEFAULT 0 NOT NULL,
	"call_count" integer DEFAULT 0 NOT NULL,
	"near_notified_at" timestamp with time zone,
	"called_by" uuid,
	"checked_in_at" timestamp with time zone DEFAULT now() NOT NULL,
	"called_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "queue_token_number_positive" CHECK ("queue_token"."number" > 0),
	CONSTRAINT "queue_token_urgent_reason" CHECK (NOT "queue_token"."urgent" OR "queue_token"."urgent_reason" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "visit" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"ref_no" integer NOT NULL,
	"patient_id" uuid NOT NULL,
	"doctor_id" uuid NOT NULL,
	"appointment_id" uuid,
	"token_id" uuid,
	"status" "visit_status" DEFAULT 'open' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "clinic" ADD COLUMN "per_doctor_tokens" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "display_key" ADD CONSTRAINT "display_key_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "display_key" ADD CONSTRAINT "display_key_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_token" ADD CONSTRAINT "queue_token_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_token" ADD CONSTRAINT "queue_token_doctor_id_app_user_id_fk" FOREIGN KEY ("doctor_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_token" ADD CONSTRAINT "queue_token_patient_id_patient_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patient"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_token" ADD CONSTRAINT "queue_token_appointment_id_appointment_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_token" ADD CONSTRAINT "queue_token_called_by_app_user_id_fk" FOREIGN KEY ("called_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_token" ADD CONSTRAINT "queue_token_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit" ADD CONSTRAINT "visit_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit" ADD CONSTRAINT "visit_patient_id_patient_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patient"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit" ADD CONSTRAINT "visit_doctor_id_app_user_id_fk" FOREIGN KEY ("doctor_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit" ADD CONSTRAINT "visit_appointment_id_appointment_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit" ADD CONSTRAINT "visit_token_id_queue_token_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."queue_token"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "display_key_hash_key" ON "display_key" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "display_key_clinic_idx" ON "display_key" USING btree ("clinic_id");--> statement-breakpoint
CREATE UNIQUE INDEX "queue_token_number_key" ON "queue_token" USING btree ("clinic_id","day","prefix","number");--> statement-breakpoint
CREATE UNIQUE INDEX "queue_token_appointment_key" ON "queue_token" USING btree ("appointment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "queue_token_patient_active_key" ON "queue_token" USING btree ("clinic_id","day","patient_id") WHERE "queue_token"."status" IN ('waiting', 'with_doctor');--> statement-breakpoint
CREATE INDEX "queue_token_day_idx" ON "queue_token" USING btree ("clinic_id","day","status");--> statement-breakpoint
CREATE INDEX "queue_token_patient_idx" ON "queue_token" USING btree ("patient_id");--> statement-breakpoint
CREATE UNIQUE INDEX "visit_clinic_ref_key" ON "visit" USING btree ("clinic_id","ref_no");--> statement-breakpoint
CREATE UNIQUE INDEX "visit_token_key" ON "visit" USING btree ("token_id");--> statement-breakpoint
CREATE INDEX "visit_patient_idx" ON "visit" USING btree ("patient_id");--> statement-breakpoint
CREATE INDEX "visit_doctor_idx" ON "visit" USING btree ("clinic_id","doctor_id","status");