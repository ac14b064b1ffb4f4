import { and, asc, gt, inArray, isNotNull, isNull, like, lt, or, sql } from 'drizzle-orm';
import { clinic, idempotencyKey, outboxEvent, session, syncDocument, syncUpdate } from '../db/schema';
import type { Db } from '../db';
import { clinicToday } from '../../time';
import { parseDocumentName } from '../../sync/protocol';

const DAY_MS = 24 * 60 * 60_000;

/**
 * How long each kind of platform row is kept (docs/ARCHITECTURE.md, "Retention"). The audit log,
 * the ledgers and every clinical record are never purged: nothing here touches them.
 */
export const retentionPeriods = {
	/** Delivered outbox events, counted from delivery; given-up (failed) ones from when the worker gave up. Pending ones are kept however old. */
	outboxEventDays: 30,
	/** Idempotency keys, counted from the first request: a retry after this acts again. */
	idempotencyKeyDays: 30,
	/** Per-day documents (`clinic/{id}/day/{day}/…`) of days more than this many days before the clinic's today… */
	dayDocumentDays: 7,
	/** …once compacted (no update left in the log) and unchanged for this long. */
	dayDocumentQuietHours: 24
	// Sessions go as soon as they expire.
} as const;

/** Rows per DELETE statement, so a large backlog never holds locks for long. */
export const RETENTION_BATCH = 1000;

export type PurgeCounts = { outboxEvents: number; idempotencyKeys: number; sessions: number; dayDocuments: number };

export type PurgeOptions = {
	/** Whether this process holds the document open (the sync server's in-memory documents): never purged. */
	isOpen?: (documentName: string) => boolean;
	batchSize?: number;
};

/**
 * Deletes what has outlived its retention period, as of `now`, and answers how many rows of each
 * kind went. Every batch picks its rows with `FOR UPDATE SKIP LOCKED`, so several processes
 * purging at once never wait on each other or delete (and count) a row twice.
 */
export async function purgeExpired(db: Db, now: Date, options: PurgeOptions = {}): Promise<PurgeCounts> {
	const batch = options.batchSize ?? RETENTION_BATCH;
	return {
		outboxEvents: await inBatches(batch, () => deleteOutboxEvents(db, daysBefore(now, retentionPeriods.outboxEventDays), batch)),
		idempotencyKeys: await inBatches(batch, () => deleteIdempotencyKeys(db, daysBefore(now, retentionPeriods.idempotencyKeyDays), batch)),
		sessions: await inBatches(batch, () => deleteSessions(db, now, batch)),
		dayDocuments: await purgeDayDocuments(db, now, batch, options.isOpen ?? (() => false))
	};
}

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

async function inBatches(batch: number, deleteBatch: () => Promise<number>): Promise<number> {
	let total = 0;
	for (;;) {
		const deleted = await deleteBatch();
		total += deleted;
		if (deleted < batch) return total;
	}
}

async function deleteOutboxEvents(db: Db, cutoff: Date, batch: number): Promise<number> {
	const done = or(lt(outboxEvent.processedAt, cutoff), and(isNull(outboxEvent.processedAt), isNotNull(outboxEvent.failedAt), lt(outboxEvent.failedAt, cutoff)));
	const expired = db.select({ id: outboxEvent.id }).from(outboxEvent).where(done).limit(batch).for('update', { skipLocked: true });
	const rows = await db.delete(outboxEvent).where(inArray(outboxEvent.id, expired)).returning({ id: outboxEvent.id });
	return rows.length;
}

async function deleteIdempotencyKeys(db: Db, cutoff: Date, batch: number): Promise<number> {
	const expired = db
		.select({ scope: idempotencyKey.scope, userId: idempotencyKey.userId, key: idempotencyKey.key })
		.from(idempotencyKey)
		.where(lt(idempotencyKey.createdAt, cutoff))
		.limit(batch)
		.for('update', { skipLocked: true });
	const rows = await db
		.delete(idempotencyKey)
		.where(sql`(${idempotencyKey.scope}, ${idempotencyKey.userId}, ${idempotencyKey.key}) in (${expired})`)
		.returning({ key: idempotencyKey.key });
	return rows.length;
}

async function deleteSessions(db: Db, now: Date, batch: number): Promise<number> {
	const expired = db.select({ id: session.id }).from(session).where(lt(session.expiresAt, now)).limit(batch).for('update', { skipLocked: true });
	const rows = await db.delete(session).where(inArray(session.id, expired)).returning({ id: session.id });
	return rows.length;
}

/**
 * Per-day documents of days long past. A document goes only when everything written to it is
 * folded into its snapshot (compaction deletes exactly the updates it folded, so "no row left in
 * sync_update" means compacted), it has been quiet for a while, and this process does not hold
 * it open. Updates are never deleted here: a log row may be newer than the snapshot even when its
 * id is lower (ids are taken before commit), so only an empty log is safe.
 */
async function purgeDayDocuments(db: Db, now: Date, batch: number, isOpen: (name: string) => boolean): Promise<number> {
	const quietSince = new Date(now.getTime() - retentionPeriods.dayDocumentQuietHours * 60 * 60_000);
	const keptFrom = daysBefore(now, retentionPeriods.dayDocumentDays);
	let after = '';
	let total = 0;
	for (;;) {
		const page = await db
			.select({ name: syncDocument.name })
			.from(syncDocument)
			.where(and(like(syncDocument.name, 'clinic/%/day/%'), lt(syncDocument.updatedAt, quietSince), gt(syncDocument.name, after)))
			.orderBy(asc(syncDocument.name))
			.limit(batch);
		if (page.length === 0) return total;
		after = page[page.length - 1].name;
		const names = await longPast(
			db,
			page.map((row) => row.name).filter((name) => !isOpen(name)),
			keptFrom
		);
		if (names.length > 0) total += await deleteCompactedDocuments(db, names, quietSince, batch);
		if (page.length < batch) return total;
	}
}

/** The names whose day is before the clinic's own date at `keptFrom` (each clinic in its time zone). */
async function longPast(db: Db, names: string[], keptFrom: Date): Promise<string[]> {
	const days = names.flatMap((name) => {
		const ref = parseDocumentName(name);
		return ref && 'day' in ref ? [{ name, clinicId: ref.clinicId, day: ref.day }] : [];
	});
	if (days.length === 0) return [];
	const clinicIds = [...new Set(days.map((d) => d.clinicId))];
	const zones = await db.select({ id: clinic.id, timezone: clinic.timezone }).from(clinic).where(inArray(clinic.id, clinicIds));
	const lastGone = new Map(zones.map((z) => [z.id, clinicToday(z.timezone, keptFrom)]));
	return days
		.filter((d) => {
			const firstKept = lastGone.get(d.clinicId);
			return firstKept !== undefined && d.day < firstKept;
		})
		.map((d) => d.name);
}

/**
 * Deletes the documents that are still quiet and have no update in the log, checked again in the
 * same statement. A document being compacted is locked, so it is skipped and looked at next time.
 */
async function deleteCompactedDocuments(db: Db, names: string[], quietSince: Date, batch: number): Promise<number> {
	const compacted = db
		.select({ name: syncDocument.name })
		.from(syncDocument)
		.where(
			and(
				inArray(syncDocument.name, names),
				lt(syncDocument.updatedAt, quietSince),
				sql`not exists (select 1 from ${syncUpdate} where ${syncUpdate.documentName} = ${syncDocument.name})`
			)
		)
		.limit(batch)
		.for('update', { skipLocked: true });
	const rows = await db.delete(syncDocument).where(inArray(syncDocument.name, compacted)).returning({ name: syncDocument.name });
	return rows.length;
}
