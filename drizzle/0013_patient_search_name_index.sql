DROP INDEX "patient_name_trgm_idx";--> statement-breakpoint
CREATE INDEX "patient_name_trgm_idx" ON "patient" USING gin ("search_name" gin_trgm_ops) WITH (fastupdate=false);