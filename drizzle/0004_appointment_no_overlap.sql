-- Hand-written: no double booking, ever. Two active appointments of one doctor may not overlap
-- in time, in any clinic (one person cannot be in two rooms). Enforced by the database, so two
-- desks racing for one slot get exactly one booking.
ALTER TABLE appointment ADD CONSTRAINT appointment_no_overlap
  EXCLUDE USING gist (doctor_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
  WHERE (status IN ('requested', 'confirmed', 'checked_in'));
