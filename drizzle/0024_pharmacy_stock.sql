CREATE TYPE "public"."dispense_line_status" AS ENUM('pending', 'dispensed', 'partly_dispensed', 'waiting_for_stock', 'substituted', 'not_dispensed', 'collected');--> statement-breakpoint
CREATE TYPE "public"."pharmacy_status" AS ENUM('waiting', 'in_progress', 'waiting_for_stock', 'ready', 'collected');--> statement-breakpoint
CREATE TYPE "public"."purchase_order_status" AS ENUM('draft', 'ordered', 'partly_received', 'received', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."stock_count_status" AS ENUM('open', 'posted', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."stock_movement_kind" AS ENUM('received', 'dispensed', 'patient_return', 'supplier_return', 'adjusted', 'written_off', 'transfer_out', 'transfer_in');--> statement-breakpoint
ALTER TYPE "public"."patient_document_kind" ADD VALUE 'photo';--> statement-breakpoint
ALTER TYPE "public"."patient_document_kind" ADD VALUE 'voice_note';--> statement-breakpoint
CREATE TABLE "dispense_line" (
	"prescription_line_id" uuid PRIMARY KEY NOT NULL,
	"prescription_id" uuid NOT NULL,
	"prescribed" integer NOT NULL,
	"dispensed" integer DEFAULT 0 NOT NULL,
	"returned" integer DEFAULT 0 NOT NULL,
	"status" "dispense_line_status" DEFAULT 'pending' NOT NULL,
	"substitute_medicine_id" uuid,
	"note" text DEFAULT '' NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dispense_line_quantities" CHECK ("dispense_line"."dispensed" >= 0 AND "dispense_line"."dispensed" <= "dispense_line"."prescribed" AND "dispense_line"."returned" >= 0 AND "dispense_line"."returned" <= "dispense_line"."dispensed")
);
--> statement-breakpoint
CREATE TABLE "dispensing" (
	"prescription_id" uuid PRIMARY KEY NOT NULL,
	"clinic_id" uuid NOT NULL,
	"status" "pharmacy_status" DEFAULT 'waiting' NOT NULL,
	"prepared_by" uuid,
	"ready_by" uuid,
	"ready_at" timestamp with time zone,
	"collected_by" uuid,
	"collected_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "purchase_order" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"ref_no" integer NOT NULL,
	"supplier_id" uuid NOT NULL,
	"status" "purchase_order_status" DEFAULT 'draft' NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "purchase_order_line" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"purchase_order_id" uuid NOT NULL,
	"medicine_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"cost_price" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "purchase_order_line_quantity" CHECK ("purchase_order_line"."quantity" > 0 AND "purchase_order_line"."received" >= 0 AND "purchase_order_line"."received" <= "purchase_order_line"."quantity")
);
--> statement-breakpoint
CREATE TABLE "stock_batch" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"medicine_id" uuid NOT NULL,
	"batch_number" text NOT NULL,
	"expiry" date NOT NULL,
	"supplier_id" uuid,
	"purchase_order_id" uuid,
	"cost_price" bigint NOT NULL,
	"sale_price" bigint NOT NULL,
	"received_quantity" integer NOT NULL,
	"on_hand" integer NOT NULL,
	"received_by" uuid NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_batch_on_hand" CHECK ("stock_batch"."on_hand" >= 0),
	CONSTRAINT "stock_batch_prices" CHECK ("stock_batch"."cost_price" >= 0 AND "stock_batch"."sale_price" >= 0 AND "stock_batch"."received_quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stock_count" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"status" "stock_count_status" DEFAULT 'open' NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"posted_by" uuid,
	"posted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "stock_count_line" (
	"stock_count_id" uuid NOT NULL,
	"batch_id" uuid NOT NULL,
	"expected" integer NOT NULL,
	"counted" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_count_line_stock_count_id_batch_id_pk" PRIMARY KEY("stock_count_id","batch_id"),
	CONSTRAINT "stock_count_line_counted" CHECK ("stock_count_line"."counted" IS NULL OR "stock_count_line"."counted" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stock_movement" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"medicine_id" uuid NOT NULL,
	"batch_id" uuid NOT NULL,
	"kind" "stock_movement_kind" NOT NULL,
	"quantity" integer NOT NULL,
	"balance_after" integer NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"prescription_id" uuid,
	"prescription_line_id" uuid,
	"purchase_order_id" uuid,
	"stock_count_id" uuid,
	"transfer_id" uuid,
	"actor_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_movement_quantity" CHECK ("stock_movement"."quantity" <> 0 AND "stock_movement"."balance_after" >= 0)
);
--> statement-breakpoint
CREATE TABLE "supplier" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"name" text NOT NULL,
	"phone" text DEFAULT '' NOT NULL,
	"email" text DEFAULT '' NOT NULL,
	"address" text DEFAULT '' NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "clinic" ADD COLUMN "near_expiry_days" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "patient_document" ADD COLUMN "visit_id" uuid;--> statement-breakpoint
ALTER TABLE "medicine" ADD COLUMN "unit" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "medicine" ADD COLUMN "reorder_level" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "medicine" ADD COLUMN "reorder_quantity" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "prescription" ADD COLUMN "urgent" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "dispense_line" ADD CONSTRAINT "dispense_line_prescription_line_id_prescription_line_id_fk" FOREIGN KEY ("prescription_line_id") REFERENCES "public"."prescription_line"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispense_line" ADD CONSTRAINT "dispense_line_prescription_id_prescription_id_fk" FOREIGN KEY ("prescription_id") REFERENCES "public"."prescription"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispense_line" ADD CONSTRAINT "dispense_line_substitute_medicine_id_medicine_id_fk" FOREIGN KEY ("substitute_medicine_id") REFERENCES "public"."medicine"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispense_line" ADD CONSTRAINT "dispense_line_updated_by_app_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispensing" ADD CONSTRAINT "dispensing_prescription_id_prescription_id_fk" FOREIGN KEY ("prescription_id") REFERENCES "public"."prescription"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispensing" ADD CONSTRAINT "dispensing_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispensing" ADD CONSTRAINT "dispensing_prepared_by_app_user_id_fk" FOREIGN KEY ("prepared_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispensing" ADD CONSTRAINT "dispensing_ready_by_app_user_id_fk" FOREIGN KEY ("ready_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispensing" ADD CONSTRAINT "dispensing_collected_by_app_user_id_fk" FOREIGN KEY ("collected_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_order" ADD CONSTRAINT "purchase_order_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_order" ADD CONSTRAINT "purchase_order_supplier_id_supplier_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."supplier"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_order" ADD CONSTRAINT "purchase_order_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_order_line" ADD CONSTRAINT "purchase_order_line_purchase_order_id_purchase_order_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_order"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_order_line" ADD CONSTRAINT "purchase_order_line_medicine_id_medicine_id_fk" FOREIGN KEY ("medicine_id") REFERENCES "public"."medicine"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_batch" ADD CONSTRAINT "stock_batch_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_batch" ADD CONSTRAINT "stock_batch_medicine_id_medicine_id_fk" FOREIGN KEY ("medicine_id") REFERENCES "public"."medicine"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_batch" ADD CONSTRAINT "stock_batch_supplier_id_supplier_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."supplier"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_batch" ADD CONSTRAINT "stock_batch_purchase_order_id_purchase_order_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_order"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_batch" ADD CONSTRAINT "stock_batch_received_by_app_user_id_fk" FOREIGN KEY ("received_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_count" ADD CONSTRAINT "stock_count_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_count" ADD CONSTRAINT "stock_count_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_count" ADD CONSTRAINT "stock_count_posted_by_app_user_id_fk" FOREIGN KEY ("posted_by") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_count_line" ADD CONSTRAINT "stock_count_line_stock_count_id_stock_count_id_fk" FOREIGN KEY ("stock_count_id") REFERENCES "public"."stock_count"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_count_line" ADD CONSTRAINT "stock_count_line_batch_id_stock_batch_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."stock_batch"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movement" ADD CONSTRAINT "stock_movement_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movement" ADD CONSTRAINT "stock_movement_medicine_id_medicine_id_fk" FOREIGN KEY ("medicine_id") REFERENCES "public"."medicine"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movement" ADD CONSTRAINT "stock_movement_batch_id_stock_batch_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."stock_batch"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movement" ADD CONSTRAINT "stock_movement_prescription_id_prescription_id_fk" FOREIGN KEY ("prescription_id") REFERENCES "public"."prescription"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movement" ADD CONSTRAINT "stock_movement_prescription_line_id_prescription_line_id_fk" FOREIGN KEY ("prescription_line_id") REFERENCES "public"."prescription_line"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movement" ADD CONSTRAINT "stock_movement_purchase_order_id_purchase_order_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_order"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movement" ADD CONSTRAINT "stock_movement_actor_id_app_user_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier" ADD CONSTRAINT "supplier_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dispense_line_prescription_idx" ON "dispense_line" USING btree ("prescription_id");--> statement-breakpoint
CREATE INDEX "dispensing_clinic_status_idx" ON "dispensing" USING btree ("clinic_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "purchase_order_clinic_ref_key" ON "purchase_order" USING btree ("clinic_id","ref_no");--> statement-breakpoint
CREATE INDEX "purchase_order_status_idx" ON "purchase_order" USING btree ("clinic_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "purchase_order_line_key" ON "purchase_order_line" USING btree ("purchase_order_id","medicine_id");--> statement-breakpoint
CREATE INDEX "stock_batch_medicine_idx" ON "stock_batch" USING btree ("clinic_id","medicine_id","expiry");--> statement-breakpoint
CREATE INDEX "stock_count_clinic_idx" ON "stock_count" USING btree ("clinic_id","status");--> statement-breakpoint
CREATE INDEX "stock_movement_medicine_idx" ON "stock_movement" USING btree ("clinic_id","medicine_id","created_at");--> statement-breakpoint
CREATE INDEX "stock_movement_batch_idx" ON "stock_movement" USING btree ("batch_id","created_at");--> statement-breakpoint
CREATE INDEX "stock_movement_line_idx" ON "stock_movement" USING btree ("prescription_line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_clinic_name_key" ON "supplier" USING btree ("clinic_id",lower("name"));--> statement-breakpoint
ALTER TABLE "patient_document" ADD CONSTRAINT "patient_document_visit_id_visit_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "patient_document_visit_idx" ON "patient_document" USING btree ("visit_id");--> statement-breakpoint
ALTER TABLE "clinic" ADD CONSTRAINT "clinic_near_expiry_days" CHECK ("clinic"."near_expiry_days" BETWEEN 0 AND 365);--> statement-breakpoint
-- Hand-written: a stock movement is never changed or removed; a correction is a new, reversing movement.
CREATE TRIGGER stock_movement_append_only BEFORE UPDATE OR DELETE ON stock_movement
  FOR EACH ROW EXECUTE FUNCTION tabeeb_refuse_change();
