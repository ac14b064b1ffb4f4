import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inArray } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshDatabase } from '../db';
import { eventually } from '../eventually';
import { captureLog } from '../notifications';
import { openDatabase, type Database, type Db } from '../../src/lib/server/db';
import { outboxEvent } from '../../src/lib/server/db/schema';
import { claimDueEvents, retryDelay } from '../../src/lib/server/notifications/outbox';
import { startOutboxWorker, type OutboxWorkerOptions } from '../../src/lib/server/notifications/worker';
import type { DeliveryResult } from '../../src/lib/server/notifications/deliver';

/**
 * The outbox worker's claims, on its own database. On PostgreSQL (DATABASE_URL) the racing
 * workers use two separate connection pools, as two app instances would; PGlite runs one query
 * at a time, so there the race only interleaves passes.
 */
let database: Database & { drop(): Promise<void>; url?: string };
let second: Database;
const { log } = captureLog();

beforeAll(async () => {
	database = await freshDatabase();
	second = database.url ? await openDatabase({ url: database.url, migrate: false }) : database;
});

afterAll(async () => {
	if (second !== database) await second?.close();
	await database?.drop();
});

async function addEvents(count: number, type = `test.${Math.random().toString(36).slice(2, 8)}`) {
	const rows = await database.db
		.insert(outboxEvent)
		.values(Array.from({ length: count }, (_, n) => ({ type, payload: { n } })))
		.returning({ id: outboxEvent.id });
	return rows.map((r) => r.id);
}

const rowsOf = (ids: number[]) => database.db.select().from(outboxEvent).where(inArray(outboxEvent.id, ids)).orderBy(outboxEvent.id);
const delivered = (): DeliveryResult => ({ done: ['test'], errors: [] });

function worker(db: Db, deliver: OutboxWorkerOptions['deliver'], options: Partial<OutboxWorkerOptions> = {}) {
	return startOutboxWorker({ db, log, deliver, autostart: false, ...options });
}

describe('outbox claims', () => {
	it('never lets two workers on two connections deliver the same event (truly concurrent only on PostgreSQL; PGlite interleaves their passes)', async () => {
		const ids = await addEvents(120);
		const seen: { worker: string; id: number }[] = [];
		const deliverAs = (name: string) => async (event: { id: number }) => {
			seen.push({ worker: name, id: event.id });
			await sleep(Math.random() * 4);
			return delivered();
		};
		const a = worker(database.db, deliverAs('a'), { batchSize: 7 });
		const b = worker(second.db, deliverAs('b'), { batchSize: 7 });
		const drain = async (w: typeof a) => {
			while ((await w.runOnce()) > 0);
		};
		await Promise.all([drain(a), drain(b), drain(a), drain(b)]);
		const mine = seen.filter((s) => ids.includes(s.id));
		expect(mine.map((s) => s.id).sort((x, y) => x - y)).toEqual(ids);
		if (database.driver === 'postgres') expect(new Set(mine.map((s) => s.worker))).toEqual(new Set(['a', 'b']));
		const rows = await rowsOf(ids);
		expect(rows.every((r) => r.processedAt !== null && r.attempts === 1 && r.deliveredTo.includes('test'))).toBe(true);
	});

	it('keeps a claimed event from other workers until its lease ends, then lets it be claimed again', async () => {
		const [id] = await addEvents(1);
		const first = await claimDueEvents(database.db, 50, 400);
		expect(first.find((e) => e.id === id)?.attempts).toBe(1);
		expect((await claimDueEvents(second.db, 50, 400)).map((e) => e.id)).not.toContain(id);
		// The first worker died without recording anything: once the lease ends, another instance takes over.
		const again: { id: number; attempts: number }[] = [];
		const giveUp = Date.now() + 10_000;
		while (!again.some((e) => e.id === id)) {
			expect(Date.now()).toBeLessThan(giveUp);
			again.push(...(await claimDueEvents(second.db, 50, 400)));
			await sleep(20);
		}
		expect(again.find((e) => e.id === id)?.attempts).toBe(2);
	});

	it('retries an event whose delivery threw, later, with the error recorded', async () => {
		const [id] = await addEvents(1);
		const w = worker(
			database.db,
			async () => {
				throw new Error('database went away mid-compose');
			},
			{ retryDelay: () => 60_000 }
		);
		await w.runOnce();
		const [row] = await rowsOf([id]);
		expect(row).toMatchObject({ attempts: 1, processedAt: null, failedAt: null, lastError: 'database went away mid-compose' });
		expect(row.availableAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
	});

	it('backs off exponentially, up to an hour', () => {
		const at = (n: number) => retryDelay(n, 30_000, 3_600_000);
		expect(at(1)).toBeGreaterThanOrEqual(27_000);
		expect(at(1)).toBeLessThanOrEqual(33_000);
		expect(at(3)).toBeGreaterThanOrEqual(108_000);
		expect(at(3)).toBeLessThanOrEqual(132_000);
		expect(at(20)).toBeLessThanOrEqual(3_960_000);
	});
});

describe('stopping', () => {
	it('waits for the batch in hand to be recorded, then claims nothing more', async () => {
		let release: () => void = () => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		const started: number[] = [];
		const [id] = await addEvents(1);
		const w = startOutboxWorker({
			db: database.db,
			log,
			pollMs: 20,
			deliver: async (event) => {
				started.push(event.id);
				await gate;
				return delivered();
			}
		});
		await eventually(
			() => started.includes(id),
			(yes) => yes
		);
		let stopped = false;
		const stopping = w.stop().then(() => (stopped = true));
		// Barrier: a stop that did not wait would resolve within a few microtasks, long before a database round trip comes back.
		await rowsOf([id]);
		expect(stopped).toBe(false);
		release();
		await stopping;
		expect((await rowsOf([id]))[0].processedAt).toBeInstanceOf(Date);

		// Barrier: another instance picks up the next event; the stopped worker (which polled every 20 ms) must not have touched it.
		const [later] = await addEvents(1);
		const takenOver: number[] = [];
		const other = startOutboxWorker({ db: database.db, log, pollMs: 20, deliver: async (event) => (takenOver.push(event.id), delivered()) });
		await eventually(
			() => takenOver.includes(later),
			(yes) => yes
		);
		await other.stop();
		expect(started).not.toContain(later);
		expect((await rowsOf([later]))[0]).toMatchObject({ attempts: 1 });
		expect((await rowsOf([later]))[0].processedAt).toBeInstanceOf(Date);
	});
});
