CREATE TYPE "public"."visit_setting" AS ENUM('clinic', 'home', 'phone');--> statement-breakpoint
CREATE TYPE "public"."allergy_severity" AS ENUM('mild', 'moderate', 'severe');--> statement-breakpoint
CREATE TYPE "public"."medicine_source" AS ENUM('who_eml', 'clinic', 'import', 'copy');--> statement-breakpoint
CREATE TYPE "public"."note_category" AS ENUM('symptoms', 'observations', 'diagnosis', 'treatment');--> statement-breakpoint
CREATE TYPE "public"."referral_status" AS ENUM('sent', 'accepted', 'booked', 'seen', 'declined');--> statement-breakpoint
ALTER TYPE "public"."role" ADD VALUE 'nurse' BEFORE 'reception';--> statement-breakpoint
CREATE TABLE "medicine" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"generic_name" text NOT NULL,
	"search_name" text GENERATED ALWAYS AS (lower(generic_name)) STORED NOT NULL,
	"brand_names" text[] DEFAULT '{}'::text[] NOT NULL,
	"form" text NOT NULL,
	"strength" text DEFAULT '' NOT NULL,
	"route" text NOT NULL,
	"atc_code" text,
	"dosage_templates" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"source" "medicine_source" NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "patient_allergy" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"substance" text NOT NULL,
	"atc_code" text,
	"reaction" text DEFAULT '' NOT NULL,
	"severity" "allergy_severity" NOT NULL,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_by" uuid,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "patient_condition" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"name" text NOT NULL,
	"code" text,
	"since" text DEFAULT '' NOT NULL,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "patient_medication" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"name" text NOT NULL,
	"dose" text DEFAULT '' NOT NULL,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stopped_by" uuid,
	"stopped_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "prescription" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"visit_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"doctor_id" uuid NOT NULL,
	"issued_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prescription_line" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"prescription_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"medicine_id" uuid NOT NULL,
	"dose" text NOT NULL,
	"frequency" text NOT NULL,
	"duration_days" integer NOT NULL,
	"route" text NOT NULL,
	"instructions_en" text DEFAULT '' NOT NULL,
	"instructions_ur" text DEFAULT '' NOT NULL,
	"quantity" numeric(10, 2) NOT NULL,
	CONSTRAINT "prescription_line_duration" CHECK ("prescription_line"."duration_days" BETWEEN 1 AND 365)
);
--> statement-breakpoint
CREATE TABLE "prescription_override" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"prescription_id" uuid NOT NULL,
	"warning_id" text NOT NULL,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"reason" text NOT NULL,
	"overridden_by" uuid NOT NULL,
	"overridden_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referral" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"ref_no" integer NOT NULL,
	"patient_id" uuid NOT NULL,
	"visit_id" uuid,
	"from_doctor_id" uuid NOT NULL,
	"to_clinic_id" uuid NOT NULL,
	"to_doctor_id" uuid NOT NULL,
	"to_patient_id" uuid,
	"note" text NOT NULL,
	"discount_percent" smallint,
	"discount_amount" bigint,
	"status" "referral_status" DEFAULT 'sent' NOT NULL,
	"decline_reason" text,
	"appointment_id" uuid,
	"seen_visit_id" uuid,
	"reminded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_discount" CHECK ("referral"."discount_percent" IS NULL OR "referral"."discount_amount" IS NULL),
	CONSTRAINT "referral_discount_percent" CHECK ("referral"."discount_percent" IS NULL OR "referral"."discount_percent" BETWEEN 1 AND 100),
	CONSTRAINT "referral_discount_amount" CHECK ("referral"."discount_amount" IS NULL OR "referral"."discount_amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "visit_addendum" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"visit_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"text" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "visit_diagnosis" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"visit_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"code" text,
	"title" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "visit_note" (
	"visit_id" uuid NOT NULL,
	"category" "note_category" NOT NULL,
	"text" text NOT NULL,
	"rich" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "visit_observation" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"visit_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"value" numeric(8, 2) NOT NULL,
	"unit" text NOT NULL,
	"qualifier" text,
	"observed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "visit_record" (
	"visit_id" uuid PRIMARY KEY NOT NULL,
	"clinic_id" uuid NOT NULL,
	"complaint" text DEFAULT '' NOT NULL,
	"complaint_duration" text DEFAULT '' NOT NULL,
	"history_of_illness" text DEFAULT '' NOT NULL,
	"plan" text DEFAULT '' NOT NULL,
	"advice" text DEFAULT '' NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"follow_up" jsonb,
	"content_hash" text NOT NULL,
	"chart_state" text NOT NULL,
	"completed_by" uuid NOT NULL,
	"completed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "clinic" ADD COLUMN "temperature_unit" text DEFAULT 'C' NOT NULL;--> statement-breakpoint
ALTER TABLE "patient" ADD COLUMN "blood_group" text;--> statement-breakpoint
ALTER TABLE "visit" ADD COLUMN "setting" "visit_setting" DEFAULT 'clinic' NOT NULL;--> statement-breakpoint
ALTER TABLE "visit" ADD COLUMN "room_id" uuid;--> statement-breakpoint
ALTER TABLE "medicine" ADD CONSTRAINT "medicine_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_allergy" ADD CONSTRAINT "patient_allergy_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_allergy" ADD CONSTRAINT "patient_allergy_patient_id_patient_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patient"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_allergy" ADD CONSTRAINT "patient_allergy_recorded_by_app_user_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_allergy" ADD CONSTRAINT "patient_allergy_removed_by_app_user_id_fk" FOREIGN KEY ("removed_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_condition" ADD CONSTRAINT "patient_condition_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_condition" ADD CONSTRAINT "patient_condition_patient_id_patient_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patient"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_condition" ADD CONSTRAINT "patient_condition_recorded_by_app_user_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_condition" ADD CONSTRAINT "patient_condition_resolved_by_app_user_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_medication" ADD CONSTRAINT "patient_medication_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_medication" ADD CONSTRAINT "patient_medication_patient_id_patient_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patient"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_medication" ADD CONSTRAINT "patient_medication_recorded_by_app_user_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_medication" ADD CONSTRAINT "patient_medication_stopped_by_app_user_id_fk" FOREIGN KEY ("stopped_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prescription" ADD CONSTRAINT "prescription_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prescription" ADD CONSTRAINT "prescription_visit_id_visit_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prescription" ADD CONSTRAINT "prescription_patient_id_patient_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patient"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prescription" ADD CONSTRAINT "prescription_doctor_id_app_user_id_fk" FOREIGN KEY ("doctor_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prescription_line" ADD CONSTRAINT "prescription_line_prescription_id_prescription_id_fk" FOREIGN KEY ("prescription_id") REFERENCES "public"."prescription"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prescription_line" ADD CONSTRAINT "prescription_line_medicine_id_medicine_id_fk" FOREIGN KEY ("medicine_id") REFERENCES "public"."medicine"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prescription_override" ADD CONSTRAINT "prescription_override_prescription_id_prescription_id_fk" FOREIGN KEY ("prescription_id") REFERENCES "public"."prescription"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prescription_override" ADD CONSTRAINT "prescription_override_overridden_by_app_user_id_fk" FOREIGN KEY ("overridden_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_patient_id_patient_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patient"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_visit_id_visit_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_from_doctor_id_app_user_id_fk" FOREIGN KEY ("from_doctor_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_to_clinic_id_clinic_id_fk" FOREIGN KEY ("to_clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_to_doctor_id_app_user_id_fk" FOREIGN KEY ("to_doctor_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_to_patient_id_patient_id_fk" FOREIGN KEY ("to_patient_id") REFERENCES "public"."patient"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_appointment_id_appointment_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral" ADD CONSTRAINT "referral_seen_visit_id_visit_id_fk" FOREIGN KEY ("seen_visit_id") REFERENCES "public"."visit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_addendum" ADD CONSTRAINT "visit_addendum_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_addendum" ADD CONSTRAINT "visit_addendum_visit_id_visit_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_addendum" ADD CONSTRAINT "visit_addendum_author_id_app_user_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_diagnosis" ADD CONSTRAINT "visit_diagnosis_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_diagnosis" ADD CONSTRAINT "visit_diagnosis_visit_id_visit_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_diagnosis" ADD CONSTRAINT "visit_diagnosis_patient_id_patient_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patient"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_note" ADD CONSTRAINT "visit_note_visit_id_visit_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_observation" ADD CONSTRAINT "visit_observation_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_observation" ADD CONSTRAINT "visit_observation_visit_id_visit_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_observation" ADD CONSTRAINT "visit_observation_patient_id_patient_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patient"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_record" ADD CONSTRAINT "visit_record_visit_id_visit_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_record" ADD CONSTRAINT "visit_record_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_record" ADD CONSTRAINT "visit_record_completed_by_app_user_id_fk" FOREIGN KEY ("completed_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "medicine_clinic_key" ON "medicine" USING btree ("clinic_id","search_name","form","strength");--> statement-breakpoint
CREATE INDEX "medicine_clinic_atc_idx" ON "medicine" USING btree ("clinic_id","atc_code");--> statement-breakpoint
CREATE INDEX "patient_allergy_patient_idx" ON "patient_allergy" USING btree ("patient_id");--> statement-breakpoint
CREATE INDEX "patient_condition_patient_idx" ON "patient_condition" USING btree ("patient_id");--> statement-breakpoint
CREATE INDEX "patient_medication_patient_idx" ON "patient_medication" USING btree ("patient_id");--> statement-breakpoint
CREATE UNIQUE INDEX "prescription_visit_key" ON "prescription" USING btree ("visit_id");--> statement-breakpoint
CREATE INDEX "prescription_patient_idx" ON "prescription" USING btree ("patient_id");--> statement-breakpoint
CREATE UNIQUE INDEX "prescription_line_key" ON "prescription_line" USING btree ("prescription_id","position");--> statement-breakpoint
CREATE INDEX "prescription_override_idx" ON "prescription_override" USING btree ("prescription_id");--> statement-breakpoint
CREATE UNIQUE INDEX "referral_clinic_ref_key" ON "referral" USING btree ("clinic_id","ref_no");--> statement-breakpoint
CREATE INDEX "referral_to_idx" ON "referral" USING btree ("to_clinic_id","to_doctor_id","status");--> statement-breakpoint
CREATE INDEX "referral_to_patient_idx" ON "referral" USING btree ("to_patient_id","status");--> statement-breakpoint
CREATE INDEX "referral_from_idx" ON "referral" USING btree ("clinic_id","from_doctor_id","status");--> statement-breakpoint
CREATE INDEX "visit_addendum_visit_idx" ON "visit_addendum" USING btree ("visit_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "visit_diagnosis_key" ON "visit_diagnosis" USING btree ("visit_id","position");--> statement-breakpoint
CREATE INDEX "visit_diagnosis_patient_idx" ON "visit_diagnosis" USING btree ("patient_id");--> statement-breakpoint
CREATE INDEX "visit_diagnosis_code_idx" ON "visit_diagnosis" USING btree ("clinic_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "visit_note_key" ON "visit_note" USING btree ("visit_id","category");--> statement-breakpoint
CREATE UNIQUE INDEX "visit_observation_key" ON "visit_observation" USING btree ("visit_id","kind");--> statement-breakpoint
CREATE INDEX "visit_observation_patient_idx" ON "visit_observation" USING btree ("patient_id","kind","observed_at");--> statement-breakpoint
CREATE INDEX "visit_record_clinic_idx" ON "visit_record" USING btree ("clinic_id");--> statement-breakpoint
ALTER TABLE "visit" ADD CONSTRAINT "visit_room_id_room_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."room"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinic" ADD CONSTRAINT "clinic_temperature_unit" CHECK ("clinic"."temperature_unit" IN ('C', 'F'));--> statement-breakpoint
ALTER TABLE "patient" ADD CONSTRAINT "patient_blood_group" CHECK ("patient"."blood_group" IN ('A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-'));--> statement-breakpoint
-- Hand-written: a completed visit's record, its addenda and the prescriber's overrides are never changed or removed.
CREATE TRIGGER visit_record_append_only BEFORE UPDATE OR DELETE ON visit_record
  FOR EACH ROW EXECUTE FUNCTION tabeeb_refuse_change();--> statement-breakpoint
CREATE TRIGGER visit_note_append_only BEFORE UPDATE OR DELETE ON visit_note
  FOR EACH ROW EXECUTE FUNCTION tabeeb_refuse_change();--> statement-breakpoint
CREATE TRIGGER visit_addendum_append_only BEFORE UPDATE OR DELETE ON visit_addendum
  FOR EACH ROW EXECUTE FUNCTION tabeeb_refuse_change();--> statement-breakpoint
CREATE TRIGGER prescription_override_append_only BEFORE UPDATE OR DELETE ON prescription_override
  FOR EACH ROW EXECUTE FUNCTION tabeeb_refuse_change();--> statement-breakpoint
-- An issued prescription's lines are fixed: the pharmacy dispenses exactly what was issued.
CREATE OR REPLACE FUNCTION tabeeb_refuse_issued_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM prescription WHERE id = coalesce(NEW.prescription_id, OLD.prescription_id) AND issued_at IS NOT NULL) THEN
    RAISE EXCEPTION 'prescription % is issued', coalesce(NEW.prescription_id, OLD.prescription_id) USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN coalesce(NEW, OLD);
END;
$$;--> statement-breakpoint
CREATE TRIGGER prescription_line_issued BEFORE INSERT OR UPDATE OR DELETE ON prescription_line
  FOR EACH ROW EXECUTE FUNCTION tabeeb_refuse_issued_line();
