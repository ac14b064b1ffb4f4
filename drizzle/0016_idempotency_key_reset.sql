-- Keys become bound to their sender and request (0017): the rows of the old shape carry neither,
-- and a key lives only as long as a client retries, so they are dropped rather than migrated.
DELETE FROM "idempotency_key";
