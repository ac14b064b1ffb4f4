-- Hand-written: the audit log and the stock of facts in it are append-only.
CREATE OR REPLACE FUNCTION tabeeb_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION tabeeb_refuse_change();--> statement-breakpoint
CREATE UNIQUE INDEX audit_log_chain_key ON audit_log (coalesce(clinic_id, '00000000-0000-0000-0000-000000000000'::uuid), seq);
