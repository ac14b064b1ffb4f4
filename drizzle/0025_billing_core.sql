CREATE TYPE "public"."invoice_status" AS ENUM('draft', 'issued', 'partly_paid', 'paid', 'void');--> statement-breakpoint
CREATE TYPE "public"."payment_method" AS ENUM('cash', 'card', 'wallet', 'bank', 'qr', 'credit');--> statement-breakpoint
CREATE TYPE "public"."service_category" AS ENUM('consultation', 'procedure', 'lab', 'medicine', 'other');--> statement-breakpoint
CREATE TABLE "billing_service" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"name" text NOT NULL,
	"category" "service_category" NOT NULL,
	"doctor_id" uuid,
	"visit_type" text DEFAULT '' NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_service_visit_type" CHECK ("billing_service"."visit_type" IN ('', 'new', 'follow_up', 'emergency'))
);
--> statement-breakpoint
CREATE TABLE "credit_note" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"number" text NOT NULL,
	"amount" bigint NOT NULL,
	"reason" text NOT NULL,
	"actor_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_note_amount" CHECK ("credit_note"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "day_close" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"actor_id" uuid NOT NULL,
	"day" date NOT NULL,
	"expected" jsonb NOT NULL,
	"counted" jsonb NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "doctor_share" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"doctor_id" uuid NOT NULL,
	"category" "service_category" NOT NULL,
	"percent_basis_points" integer,
	"fixed_amount" bigint,
	"effective_from" date NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "doctor_share_rule" CHECK (("doctor_share"."percent_basis_points" IS NULL) <> ("doctor_share"."fixed_amount" IS NULL) AND coalesce("doctor_share"."percent_basis_points", 0) BETWEEN 0 AND 10000 AND coalesce("doctor_share"."fixed_amount", 0) >= 0)
);
--> statement-breakpoint
CREATE TABLE "invoice" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"visit_id" uuid,
	"source" text DEFAULT 'manual' NOT NULL,
	"status" "invoice_status" DEFAULT 'draft' NOT NULL,
	"number" text,
	"fiscal_year" integer,
	"subtotal" bigint DEFAULT 0 NOT NULL,
	"discount" bigint DEFAULT 0 NOT NULL,
	"tax" bigint DEFAULT 0 NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL,
	"paid" bigint DEFAULT 0 NOT NULL,
	"credited" bigint DEFAULT 0 NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"issued_at" timestamp with time zone,
	"issued_by" uuid,
	"voided_at" timestamp with time zone,
	"voided_by" uuid,
	"void_reason" text DEFAULT '' NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoice_source" CHECK ("invoice"."source" IN ('manual', 'auto')),
	CONSTRAINT "invoice_amounts" CHECK ("invoice"."subtotal" >= 0 AND "invoice"."discount" >= 0 AND "invoice"."tax" >= 0 AND "invoice"."total" >= 0),
	CONSTRAINT "invoice_paid" CHECK ("invoice"."paid" >= 0 AND "invoice"."credited" >= 0 AND "invoice"."paid" + "invoice"."credited" <= "invoice"."total"),
	CONSTRAINT "invoice_number_when_issued" CHECK (("invoice"."status" = 'draft' AND "invoice"."number" IS NULL) OR ("invoice"."status" IN ('issued', 'partly_paid', 'paid') AND "invoice"."number" IS NOT NULL) OR "invoice"."status" = 'void')
);
--> statement-breakpoint
CREATE TABLE "invoice_line" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"service_id" uuid,
	"category" "service_category" NOT NULL,
	"description" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price" bigint NOT NULL,
	"discount" bigint DEFAULT 0 NOT NULL,
	"discount_reason" text DEFAULT '' NOT NULL,
	"tax_rate_basis_points" integer DEFAULT 0 NOT NULL,
	"tax_inclusive" boolean DEFAULT false NOT NULL,
	"tax" bigint DEFAULT 0 NOT NULL,
	"total" bigint NOT NULL,
	"prescription_line_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoice_line_amounts" CHECK ("invoice_line"."quantity" > 0 AND "invoice_line"."unit_price" >= 0 AND "invoice_line"."discount" >= 0 AND "invoice_line"."tax" >= 0 AND "invoice_line"."total" >= 0)
);
--> statement-breakpoint
CREATE TABLE "patient_credit" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"amount" bigint NOT NULL,
	"balance_after" bigint NOT NULL,
	"payment_id" uuid,
	"invoice_id" uuid,
	"actor_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "patient_credit_balance" CHECK ("patient_credit"."amount" <> 0 AND "patient_credit"."balance_after" >= 0)
);
--> statement-breakpoint
CREATE TABLE "payment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"amount" bigint NOT NULL,
	"to_credit" bigint DEFAULT 0 NOT NULL,
	"method" "payment_method" NOT NULL,
	"reference" text DEFAULT '' NOT NULL,
	"tendered" bigint,
	"refund_of" uuid,
	"reason" text DEFAULT '' NOT NULL,
	"actor_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_amount" CHECK ("payment"."amount" <> 0 AND ("payment"."amount" > 0) = ("payment"."refund_of" IS NULL)),
	CONSTRAINT "payment_to_credit" CHECK ("payment"."to_credit" >= 0 AND "payment"."to_credit" <= abs("payment"."amount"))
);
--> statement-breakpoint
CREATE TABLE "service_price" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"price" bigint NOT NULL,
	"effective_from" date NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_price_amount" CHECK ("service_price"."price" >= 0)
);
--> statement-breakpoint
CREATE TABLE "tax_rule" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"category" "service_category" NOT NULL,
	"name" text NOT NULL,
	"rate_basis_points" integer NOT NULL,
	"inclusive" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tax_rule_rate" CHECK ("tax_rule"."rate_basis_points" BETWEEN 0 AND 10000)
);
--> statement-breakpoint
ALTER TABLE "clinic" ADD COLUMN "fiscal_year_start_month" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "clinic" ADD COLUMN "tax_number" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "billing_service" ADD CONSTRAINT "billing_service_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_service" ADD CONSTRAINT "billing_service_doctor_id_app_user_id_fk" FOREIGN KEY ("doctor_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_note" ADD CONSTRAINT "credit_note_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_note" ADD CONSTRAINT "credit_note_invoice_id_invoice_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_note" ADD CONSTRAINT "credit_note_actor_id_app_user_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "day_close" ADD CONSTRAINT "day_close_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "day_close" ADD CONSTRAINT "day_close_actor_id_app_user_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "doctor_share" ADD CONSTRAINT "doctor_share_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "doctor_share" ADD CONSTRAINT "doctor_share_doctor_id_app_user_id_fk" FOREIGN KEY ("doctor_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "doctor_share" ADD CONSTRAINT "doctor_share_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice" ADD CONSTRAINT "invoice_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice" ADD CONSTRAINT "invoice_patient_id_patient_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patient"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice" ADD CONSTRAINT "invoice_visit_id_visit_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice" ADD CONSTRAINT "invoice_issued_by_app_user_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice" ADD CONSTRAINT "invoice_voided_by_app_user_id_fk" FOREIGN KEY ("voided_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice" ADD CONSTRAINT "invoice_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_line" ADD CONSTRAINT "invoice_line_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_line" ADD CONSTRAINT "invoice_line_invoice_id_invoice_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_line" ADD CONSTRAINT "invoice_line_service_id_billing_service_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."billing_service"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_line" ADD CONSTRAINT "invoice_line_prescription_line_id_prescription_line_id_fk" FOREIGN KEY ("prescription_line_id") REFERENCES "public"."prescription_line"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_credit" ADD CONSTRAINT "patient_credit_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_credit" ADD CONSTRAINT "patient_credit_patient_id_patient_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patient"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_credit" ADD CONSTRAINT "patient_credit_payment_id_payment_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_credit" ADD CONSTRAINT "patient_credit_invoice_id_invoice_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_credit" ADD CONSTRAINT "patient_credit_actor_id_app_user_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment" ADD CONSTRAINT "payment_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment" ADD CONSTRAINT "payment_invoice_id_invoice_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoice"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment" ADD CONSTRAINT "payment_actor_id_app_user_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_price" ADD CONSTRAINT "service_price_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_price" ADD CONSTRAINT "service_price_service_id_billing_service_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."billing_service"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_price" ADD CONSTRAINT "service_price_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tax_rule" ADD CONSTRAINT "tax_rule_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "billing_service_clinic_name_key" ON "billing_service" USING btree ("clinic_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "credit_note_number_key" ON "credit_note" USING btree ("clinic_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "day_close_desk_day_key" ON "day_close" USING btree ("clinic_id","actor_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "doctor_share_from_key" ON "doctor_share" USING btree ("clinic_id","doctor_id","category","effective_from");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_number_key" ON "invoice" USING btree ("clinic_id","number");--> statement-breakpoint
CREATE INDEX "invoice_patient_idx" ON "invoice" USING btree ("clinic_id","patient_id","created_at");--> statement-breakpoint
CREATE INDEX "invoice_visit_idx" ON "invoice" USING btree ("visit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_auto_draft_key" ON "invoice" USING btree ("visit_id") WHERE "invoice"."status" = 'draft' AND "invoice"."source" = 'auto';--> statement-breakpoint
CREATE INDEX "invoice_line_invoice_idx" ON "invoice_line" USING btree ("invoice_id","position");--> statement-breakpoint
CREATE INDEX "invoice_line_prescription_line_idx" ON "invoice_line" USING btree ("prescription_line_id");--> statement-breakpoint
CREATE INDEX "patient_credit_patient_idx" ON "patient_credit" USING btree ("clinic_id","patient_id","created_at");--> statement-breakpoint
CREATE INDEX "payment_invoice_idx" ON "payment" USING btree ("invoice_id","created_at");--> statement-breakpoint
CREATE INDEX "payment_clinic_day_idx" ON "payment" USING btree ("clinic_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "service_price_from_key" ON "service_price" USING btree ("service_id","effective_from");--> statement-breakpoint
CREATE UNIQUE INDEX "tax_rule_category_key" ON "tax_rule" USING btree ("clinic_id","category");--> statement-breakpoint
ALTER TABLE "clinic" ADD CONSTRAINT "clinic_fiscal_year_start" CHECK ("clinic"."fiscal_year_start_month" BETWEEN 1 AND 12);--> statement-breakpoint
-- Hand-written: payments (refunds are negative payments), patient credit and credit notes are never changed or removed.
CREATE TRIGGER payment_append_only BEFORE UPDATE OR DELETE ON payment
  FOR EACH ROW EXECUTE FUNCTION tabeeb_refuse_change();--> statement-breakpoint
CREATE TRIGGER patient_credit_append_only BEFORE UPDATE OR DELETE ON patient_credit
  FOR EACH ROW EXECUTE FUNCTION tabeeb_refuse_change();--> statement-breakpoint
CREATE TRIGGER credit_note_append_only BEFORE UPDATE OR DELETE ON credit_note
  FOR EACH ROW EXECUTE FUNCTION tabeeb_refuse_change();--> statement-breakpoint
-- Hand-written: an issued invoice is never edited. Its lines change only while it is a draft, and
-- of the invoice itself only the payment state (paid, credited, status), a void, and the patient
-- it points at (a merge of duplicate records re-points it) may change.
CREATE OR REPLACE FUNCTION tabeeb_invoice_line_draft_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  state invoice_status;
BEGIN
  SELECT status INTO state FROM invoice WHERE id = COALESCE(NEW.invoice_id, OLD.invoice_id);
  IF state IS DISTINCT FROM 'draft' THEN
    RAISE EXCEPTION 'the lines of an issued invoice cannot change' USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_issued_unchanged';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER invoice_line_draft_only BEFORE INSERT OR UPDATE OR DELETE ON invoice_line
  FOR EACH ROW EXECUTE FUNCTION tabeeb_invoice_line_draft_only();--> statement-breakpoint
CREATE OR REPLACE FUNCTION tabeeb_invoice_issued_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'invoices are never deleted' USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_issued_unchanged';
  END IF;
  IF OLD.status <> 'draft' AND (
    NEW.visit_id, NEW.number, NEW.fiscal_year, NEW.subtotal, NEW.discount, NEW.tax, NEW.total, NEW.issued_at, NEW.issued_by, NEW.created_by
  ) IS DISTINCT FROM (
    OLD.visit_id, OLD.number, OLD.fiscal_year, OLD.subtotal, OLD.discount, OLD.tax, OLD.total, OLD.issued_at, OLD.issued_by, OLD.created_by
  ) THEN
    RAISE EXCEPTION 'an issued invoice cannot be edited' USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_issued_unchanged';
  END IF;
  IF OLD.status = 'void' AND NEW.status <> 'void' THEN
    RAISE EXCEPTION 'a void invoice stays void' USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_issued_unchanged';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER invoice_issued_unchanged BEFORE UPDATE OR DELETE ON invoice
  FOR EACH ROW EXECUTE FUNCTION tabeeb_invoice_issued_unchanged();
--> statement-breakpoint
-- Hand-written: a closed day is a record of what was counted; it is never changed.
CREATE TRIGGER day_close_append_only BEFORE UPDATE OR DELETE ON day_close
  FOR EACH ROW EXECUTE FUNCTION tabeeb_refuse_change();
