import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import * as Y from 'yjs';
import { freshDatabase } from '../db';
import { makeClinic, makeUser, rand } from '../factories';
import { openDatabase, type Database } from '../../src/lib/server/db';
import { auditLog, idempotencyKey, outboxEvent, session, syncDocument, syncUpdate } from '../../src/lib/server/db/schema';
import { appendAudit, verifyAuditChain } from '../../src/lib/server/audit/audit';
import { runCommand } from '../../src/lib/server/command';
import {
	appendDocumentUpdates,
	compactCollaborativeDocument,
	ensureCollaborativeDocument,
	loadCollaborativeDocument
} from '../../src/lib/server/sync/persistence';
import { purgeExpired } from '../../src/lib/server/platform/retention';
import { clinicToday } from '../../src/lib/time';
import { documentName } from '../../src/lib/sync/protocol';

/**
 * The retention purge on a database of its own, so its counts are exact. On PostgreSQL
 * (DATABASE_URL) the racing purges use two connection pools, as two app instances would.
 */
let database: Database & { drop(): Promise<void>; url?: string };
let second: Database;

beforeAll(async () => {
	database = await freshDatabase();
	second = database.url ? await openDatabase({ url: database.url, migrate: false }) : database;
});

afterAll(async () => {
	if (second !== database) await second?.close();
	await database?.drop();
});

const DAY = 24 * 60 * 60_000;
const ago = (now: Date, ms: number) => new Date(now.getTime() - ms);

async function addEvents(rows: Partial<typeof outboxEvent.$inferInsert>[]) {
	const inserted = await database.db
		.insert(outboxEvent)
		.values(rows.map((r) => ({ type: 'test.retention', payload: {}, ...r })))
		.returning({ id: outboxEvent.id });
	return inserted.map((r) => r.id);
}

async function remainingEvents(ids: number[]) {
	const rows = await database.db.select({ id: outboxEvent.id }).from(outboxEvent).where(inArray(outboxEvent.id, ids));
	return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** A desk document whose text is `text`, written through the update log and compacted as the sync server does. */
async function compactedDesk(name: string, clinicId: string, text: string) {
	await ensureCollaborativeDocument(database.db, name, clinicId);
	await appendDocumentUpdates(database.db, [{ documentName: name, data: textUpdate(text) }]);
	await compactCollaborativeDocument(database.db, name);
}

function textUpdate(text: string): Uint8Array {
	const doc = new Y.Doc();
	doc.getText('notes').insert(0, text);
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}

async function lastChanged(names: string[], at: Date) {
	await database.db.update(syncDocument).set({ updatedAt: at }).where(inArray(syncDocument.name, names));
}

async function remainingDocuments(names: string[]) {
	const rows = await database.db.select({ name: syncDocument.name }).from(syncDocument).where(inArray(syncDocument.name, names));
	return rows.map((r) => r.name).sort();
}

describe('retention purge', () => {
	it('deletes delivered and given-up outbox events past 30 days and keeps younger and pending ones', async () => {
		const now = new Date();
		const [oldDelivered, oldFailed] = await addEvents([
			{ createdAt: ago(now, 40 * DAY), processedAt: ago(now, 31 * DAY) },
			{ createdAt: ago(now, 40 * DAY), failedAt: ago(now, 31 * DAY), attempts: 8, lastError: 'smtp down' }
		]);
		const kept = await addEvents([
			{ createdAt: ago(now, 40 * DAY), processedAt: ago(now, 29 * DAY) },
			{ createdAt: ago(now, 40 * DAY), failedAt: ago(now, 29 * DAY), attempts: 8 },
			{ createdAt: ago(now, 90 * DAY), availableAt: ago(now, 90 * DAY) },
			{ createdAt: ago(now, 90 * DAY), attempts: 3, lastError: 'will retry', availableAt: new Date(now.getTime() + DAY) }
		]);

		const counts = await purgeExpired(database.db, now);

		expect(counts.outboxEvents).toBe(2);
		expect(await remainingEvents([oldDelivered, oldFailed, ...kept])).toEqual(kept);
	});

	it('deletes idempotency keys past 30 days and keeps younger ones', async () => {
		const now = new Date();
		const scope = `test:${rand()}`;
		const userId = (await makeUser(database.db)).id;
		await database.db.insert(idempotencyKey).values([
			{ scope, userId, key: 'old', requestHash: 'h', response: { ok: 1 }, createdAt: ago(now, 31 * DAY) },
			{ scope, userId, key: 'young', requestHash: 'h', response: { ok: 2 }, createdAt: ago(now, 29 * DAY) }
		]);

		const counts = await purgeExpired(database.db, now);

		expect(counts.idempotencyKeys).toBe(1);
		const left = await database.db.select({ key: idempotencyKey.key }).from(idempotencyKey).where(eq(idempotencyKey.scope, scope));
		expect(left.map((r) => r.key)).toEqual(['young']);
	});

	it('deletes sessions as soon as they expire and keeps live ones', async () => {
		const now = new Date();
		const user = await makeUser(database.db);
		await database.db.insert(session).values([
			{ id: `expired-${rand()}`, userId: user.id, expiresAt: ago(now, 1000) },
			{ id: `live-${rand()}`, userId: user.id, expiresAt: new Date(now.getTime() + DAY) }
		]);

		const counts = await purgeExpired(database.db, now);

		expect(counts.sessions).toBe(1);
		const left = await database.db.select({ id: session.id }).from(session).where(eq(session.userId, user.id));
		expect(left.map((r) => r.id.split('-')[0])).toEqual(['live']);
	});

	it("deletes a long-past day's compacted desk document and keeps today's, recent, uncompacted, open and just-edited ones", async () => {
		const now = new Date();
		const clinics = await Promise.all(Array.from({ length: 5 }, () => makeClinic(database.db, { timezone: 'Asia/Karachi' })));
		const [a, b, c, d, e] = clinics.map((x) => x.id);
		const today = clinicToday('Asia/Karachi', now);
		const longPast = clinicToday('Asia/Karachi', ago(now, 10 * DAY));
		const recent = clinicToday('Asia/Karachi', ago(now, 2 * DAY));
		const future = clinicToday('Asia/Karachi', new Date(now.getTime() + 3 * DAY));

		const gone = documentName.desk(a, longPast);
		const kept = {
			today: documentName.desk(a, today),
			recent: documentName.desk(a, recent),
			future: documentName.desk(a, future),
			open: documentName.desk(c, longPast),
			justEdited: documentName.desk(d, longPast)
		};
		for (const name of [gone, ...Object.values(kept)]) await compactedDesk(name, name.split('/')[1], 'Dr. Amina is late');
		// Never compacted: its update is only in the log.
		const uncompacted = documentName.desk(b, longPast);
		await ensureCollaborativeDocument(database.db, uncompacted, b);
		await appendDocumentUpdates(database.db, [{ documentName: uncompacted, data: textUpdate('call the lab') }]);
		// A chart is not a day document, however old.
		const chart = documentName.chart(e);
		await compactedDesk(chart, e, 'notes');
		await lastChanged([gone, uncompacted, chart, ...Object.values(kept).filter((n) => n !== kept.justEdited)], ago(now, 3 * DAY));
		await lastChanged([kept.justEdited], ago(now, 60 * 60_000));

		const counts = await purgeExpired(database.db, now, { isOpen: (name) => name === kept.open });

		expect(counts.dayDocuments).toBe(1);
		const all = [gone, uncompacted, chart, ...Object.values(kept)];
		expect(await remainingDocuments(all)).toEqual(all.filter((n) => n !== gone).sort());
		// What was kept still loads whole, and the unfolded update is still in the log.
		expect(await deskText(uncompacted)).toBe('call the lab');
		expect(await deskText(kept.today)).toBe('Dr. Amina is late');
		const log = await database.db.select({ id: syncUpdate.id }).from(syncUpdate).where(eq(syncUpdate.documentName, uncompacted));
		expect(log).toHaveLength(1);
	});

	it('keeps a long-past day that someone edits again, while its update waits in the log and for a day after it is compacted', async () => {
		const now = new Date();
		const clinic = await makeClinic(database.db, { timezone: 'Asia/Karachi' });
		const name = documentName.desk(clinic.id, clinicToday('Asia/Karachi', ago(now, 10 * DAY)));
		await compactedDesk(name, clinic.id, 'first');
		await lastChanged([name], ago(now, 3 * DAY));
		// Someone opens the old day and types; the sync server appends and compacts.
		await appendDocumentUpdates(database.db, [{ documentName: name, data: textUpdate('second') }]);

		await purgeExpired(database.db, now);
		expect(await remainingDocuments([name])).toEqual([name]);
		await compactCollaborativeDocument(database.db, name);
		await purgeExpired(database.db, now);
		expect(await remainingDocuments([name])).toEqual([name]);
		expect(await deskText(name)).toContain('second');
		// A day later it goes.
		await purgeExpired(database.db, new Date(Date.now() + 25 * 60 * 60_000));
		expect(await remainingDocuments([name])).toEqual([]);
	});

	it('never touches the audit log, however old', async () => {
		const clinic = await makeClinic(database.db);
		const user = await makeUser(database.db);
		for (let i = 0; i < 3; i++) {
			await runCommand(database.db, null, (tx) =>
				appendAudit(tx, { clinicId: clinic.id, actorUserId: user.id, action: 'test.entry', entityType: 'test', entityId: String(i) })
			);
		}

		await purgeExpired(database.db, new Date(Date.now() + 10 * 365 * DAY));

		const rows = await database.db.select({ seq: auditLog.seq }).from(auditLog).where(eq(auditLog.clinicId, clinic.id));
		expect(rows).toHaveLength(3);
		expect(await verifyAuditChain(database.db, clinic.id)).toEqual({ ok: true, rows: 3 });
	});

	it('two purges at once delete every expired row exactly once between them, in batches', async () => {
		const now = new Date();
		await purgeExpired(database.db, now);
		const events = await addEvents(Array.from({ length: 1200 }, () => ({ processedAt: ago(now, 31 * DAY) })));
		const scope = `race:${rand()}`;
		const user = await makeUser(database.db);
		await database.db
			.insert(idempotencyKey)
			.values(
				Array.from({ length: 700 }, (_, n) => ({ scope, userId: user.id, key: String(n), requestHash: 'h', response: {}, createdAt: ago(now, 31 * DAY) }))
			);
		await database.db.insert(session).values(Array.from({ length: 300 }, () => ({ id: rand(16), userId: user.id, expiresAt: ago(now, DAY) })));
		const clinic = await makeClinic(database.db, { timezone: 'Asia/Karachi' });
		const days = Array.from({ length: 40 }, (_, n) => documentName.desk(clinic.id, clinicToday('Asia/Karachi', ago(now, (10 + n) * DAY))));
		for (const name of days) await compactedDesk(name, clinic.id, 'note');
		await lastChanged(days, ago(now, 3 * DAY));

		const [first, other] = await Promise.all([purgeExpired(database.db, now, { batchSize: 100 }), purgeExpired(second.db, now, { batchSize: 100 })]);

		expect(first.outboxEvents + other.outboxEvents).toBe(1200);
		expect(first.idempotencyKeys + other.idempotencyKeys).toBe(700);
		expect(first.sessions + other.sessions).toBe(300);
		expect(first.dayDocuments + other.dayDocuments).toBe(40);
		expect(await remainingEvents(events)).toEqual([]);
		expect(await remainingDocuments(days)).toEqual([]);
		expect(await purgeExpired(database.db, now)).toEqual({ outboxEvents: 0, idempotencyKeys: 0, sessions: 0, dayDocuments: 0 });
	});
});

async function deskText(name: string): Promise<string> {
	const stored = await loadCollaborativeDocument(database.db, name);
	const doc = new Y.Doc();
	if (stored.state) Y.applyUpdate(doc, stored.state);
	const text = doc.getText('notes').toString();
	doc.destroy();
	return text;
}
