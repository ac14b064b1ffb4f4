CREATE TABLE "audit_chain" (
	"chain" text PRIMARY KEY NOT NULL,
	"last_seq" integer NOT NULL,
	"last_hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "subject_user_id" uuid;--> statement-breakpoint
CREATE INDEX "audit_log_subject_seq_idx" ON "audit_log" USING btree ("subject_user_id","seq") WHERE "audit_log"."subject_user_id" is not null;