CREATE TABLE "appointment_type" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clinic_id" uuid NOT NULL,
	"name" text NOT NULL,
	"minutes" integer NOT NULL,
	"color" text NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "appointment_type_minutes" CHECK ("appointment_type"."minutes" BETWEEN 5 AND 480),
	CONSTRAINT "appointment_type_color" CHECK ("appointment_type"."color" ~ '^#[0-9a-f]{6}$')
);
--> statement-breakpoint
-- Hand-edited: existing clinics get their currency's ISO 4217 minor unit (2 unless listed here,
-- from src/lib/data/iso4217.ts); new clinics must say it, so the column keeps no default.
ALTER TABLE "clinic" ADD COLUMN "currency_exponent" smallint DEFAULT 2 NOT NULL;--> statement-breakpoint
UPDATE "clinic" SET "currency_exponent" = v.exponent FROM (VALUES ('BHD', 3), ('BIF', 0), ('CLF', 4), ('CLP', 0), ('DJF', 0), ('GNF', 0), ('IQD', 3), ('ISK', 0), ('JOD', 3), ('JPY', 0), ('KMF', 0), ('KRW', 0), ('KWD', 3), ('LYD', 3), ('OMR', 3), ('PYG', 0), ('RWF', 0), ('TND', 3), ('UGX', 0), ('UYI', 0), ('UYW', 4), ('VND', 0), ('VUV', 0), ('XAF', 0), ('XOF', 0), ('XPF', 0)) AS v(code, exponent) WHERE "clinic"."currency" = v.code;--> statement-breakpoint
ALTER TABLE "clinic" ALTER COLUMN "currency_exponent" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "appointment" ADD COLUMN "type_id" uuid;--> statement-breakpoint
ALTER TABLE "appointment" ADD COLUMN "series_id" uuid;--> statement-breakpoint
ALTER TABLE "queue_token" ADD COLUMN "reason" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "appointment_type" ADD CONSTRAINT "appointment_type_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "appointment_type_name_key" ON "appointment_type" USING btree ("clinic_id",lower("name"));--> statement-breakpoint
ALTER TABLE "appointment" ADD CONSTRAINT "appointment_type_id_appointment_type_id_fk" FOREIGN KEY ("type_id") REFERENCES "public"."appointment_type"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "appointment_series_idx" ON "appointment" USING btree ("series_id");