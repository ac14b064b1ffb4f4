-- Hand-written: events without a clinic get a chain per person (audit_log.subject_user_id), so
-- one seq may now appear once per clinic and once per person. Rows written before keep their
-- places: those without a clinic stay on the installation's chain (both columns empty).
DROP INDEX IF EXISTS audit_log_chain_key;--> statement-breakpoint
CREATE UNIQUE INDEX audit_log_chain_key ON audit_log (
  coalesce(clinic_id, '00000000-0000-0000-0000-000000000000'::uuid),
  coalesce(subject_user_id, '00000000-0000-0000-0000-000000000000'::uuid),
  seq
);--> statement-breakpoint
-- Each existing chain's head is its last row.
INSERT INTO audit_chain (chain, last_seq, last_hash)
SELECT DISTINCT ON (clinic_id)
  CASE WHEN clinic_id IS NULL THEN 'installation' ELSE 'clinic:' || clinic_id END, seq, hash
FROM audit_log
ORDER BY clinic_id, seq DESC;
