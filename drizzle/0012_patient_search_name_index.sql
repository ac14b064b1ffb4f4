-- Hand-written: the next migration moves patient_name_trgm_idx onto search_name with a plain
-- DROP INDEX, but an embedded (PGlite) database has no such index (it drops its trigram indexes
-- at every open). An empty placeholder lets that DROP run there; PostgreSQL keeps its real one.
CREATE INDEX IF NOT EXISTS patient_name_trgm_idx ON patient (id) WHERE false;
