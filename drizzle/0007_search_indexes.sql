-- Hand-written: trigram indexes for patient search.
-- GIN's pending list ("fastupdate") makes embedded PGlite miss just-inserted rows in trigram
-- searches and can spin while it cleans the list up; write straight into the index instead.
ALTER INDEX patient_name_trgm_idx SET (fastupdate = off);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS patient_phone_trgm_idx ON patient USING gin (phone gin_trgm_ops) WITH (fastupdate = off);
