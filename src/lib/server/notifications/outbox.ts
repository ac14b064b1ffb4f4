import { and, asc, eq, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db';
import { outboxEvent } from '../db/schema';
import { outboxEventSchema, type OutboxEvent } from './events';

/** A row of the outbox as stored: its `type` and `payload` are read back with `parseOutboxEvent`. */
export type OutboxRow = typeof outboxEvent.$inferSelect;

/**
 * The only way to write an outbox event: in the command's own transaction, so the event exists
 * if and only if the change committed. The payload is checked against its type's schema here
 * too, so a row that leaves this function is one the worker can read back.
 */
export async function emit(tx: Tx, clinicId: string, event: OutboxEvent): Promise<void> {
	const { type, payload } = outboxEventSchema.parse(event);
	await tx.insert(outboxEvent).values({ clinicId, type, payload });
}

/**
 * Claims up to `limit` due events for this worker. `FOR UPDATE SKIP LOCKED` lets several
 * instances claim at once without waiting on or taking each other's rows, and the claim pushes
 * `available_at` a lease into the future, so nobody else takes the event while it is being
 * delivered (outside any transaction). A worker that dies mid-delivery leaves the event to be
 * claimed again when the lease ends. Every claim counts as an attempt.
 */
export async function claimDueEvents(db: Db, limit: number, leaseMs: number): Promise<OutboxRow[]> {
	const due = db
		.select({ id: outboxEvent.id })
		.from(outboxEvent)
		.where(and(isNull(outboxEvent.processedAt), isNull(outboxEvent.failedAt), lte(outboxEvent.availableAt, sql`now()`)))
		.orderBy(asc(outboxEvent.availableAt), asc(outboxEvent.id))
		.limit(limit)
		.for('update', { skipLocked: true });
	return db
		.update(outboxEvent)
		.set({ attempts: sql`${outboxEvent.attempts} + 1`, availableAt: sql`now() + ${leaseMs} * interval '1 millisecond'` })
		.where(inArray(outboxEvent.id, due))
		.returning();
}

/** Every channel delivered (or nothing to deliver): the event is done for good. */
export async function markProcessed(db: Db, id: number, deliveredTo: string[]): Promise<void> {
	await db
		.update(outboxEvent)
		.set({ processedAt: sql`now()`, deliveredTo })
		.where(and(eq(outboxEvent.id, id), isNull(outboxEvent.processedAt)));
}

/** Some channel failed: keep what was delivered and try the rest after `delayMs`. */
export async function markRetry(db: Db, id: number, deliveredTo: string[], error: string, delayMs: number): Promise<void> {
	await db
		.update(outboxEvent)
		.set({ deliveredTo, lastError: error.slice(0, 1000), availableAt: sql`now() + ${delayMs} * interval '1 millisecond'` })
		.where(and(eq(outboxEvent.id, id), isNull(outboxEvent.processedAt)));
}

/** Out of attempts: the event stays, marked failed, for an admin to see; it is not tried again. */
export async function markFailed(db: Db, id: number, deliveredTo: string[], error: string): Promise<void> {
	await db
		.update(outboxEvent)
		.set({ deliveredTo, lastError: error.slice(0, 1000), failedAt: sql`now()` })
		.where(and(eq(outboxEvent.id, id), isNull(outboxEvent.processedAt)));
}

/** Exponential backoff from `baseMs` (30 s, 1 min, 2 min, …) up to `maxMs`, with a little jitter so instances spread out. */
export function retryDelay(attempts: number, baseMs = 30_000, maxMs = 60 * 60_000): number {
	const delay = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
	return Math.round(delay * (0.9 + Math.random() * 0.2));
}

/**
 * An admin sends a failed notification again (the mail server is back, the address was fixed):
 * its attempts start over and it is due now; channels it already reached are not sent again.
 * Only a failed event of this clinic: a pending one is already being tried.
 */
export async function retryFailedEvent(db: Db | Tx, clinicId: string, id: number): Promise<boolean> {
	const rows = await db
		.update(outboxEvent)
		.set({ failedAt: null, attempts: 0, availableAt: sql`now()` })
		.where(and(eq(outboxEvent.clinicId, clinicId), eq(outboxEvent.id, id), isNull(outboxEvent.processedAt), isNotNull(outboxEvent.failedAt)))
		.returning({ id: outboxEvent.id });
	return rows.length > 0;
}
