ALTER TABLE "idempotency_key" DROP CONSTRAINT "idempotency_key_scope_key_pk";--> statement-breakpoint
ALTER TABLE "idempotency_key" ALTER COLUMN "user_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "idempotency_key" ADD CONSTRAINT "idempotency_key_scope_user_id_key_pk" PRIMARY KEY("scope","user_id","key");--> statement-breakpoint
ALTER TABLE "idempotency_key" ADD COLUMN "request_hash" text NOT NULL;