import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDatabase, testDatabase } from '../db';
import { rand } from '../factories';
import { requestHash, runCommand, type Idempotency } from '../../src/lib/server/command';
import { setupInstallation } from '../../src/lib/server/tenancy/setupInstallation';
import { isSetupDone } from '../../src/lib/server/tenancy/queries';
import { outboxEvent } from '../../src/lib/server/db/schema';
import { AppError } from '../../src/lib/server/errors';
import type { Database } from '../../src/lib/server/db';

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

const setupBody = (code: string) => ({
	clinic: { name: 'Shifa Clinic', code, country: 'PK', city: 'Lahore', timezone: 'Asia/Karachi', currency: 'PKR' },
	admin: { name: 'Amina', email: `admin-${rand()}@example.test`, password: 'a long password' }
});

const userId = crypto.randomUUID();
const keyed = (key: string, request: unknown = {}, by = userId): Idempotency => ({ scope: 'test', key, userId: by, request });

describe('runCommand idempotency', () => {
	it('acts once for concurrent retries with the same key and returns the first answer to all', async () => {
		const key = rand();
		const results = await Promise.all(
			Array.from({ length: 6 }, (_, i) =>
				runCommand(database.db, keyed(key), async (tx) => {
					const [row] = await tx
						.insert(outboxEvent)
						.values({ type: 'test.idempotent', payload: { key, attempt: i } })
						.returning();
					return { id: row.id };
				})
			)
		);
		const ids = new Set(results.map((r) => r.id));
		expect(ids.size).toBe(1);
		const rows = await database.db.select().from(outboxEvent).where(eq(outboxEvent.type, 'test.idempotent'));
		expect(rows.filter((r) => r.payload.key === key)).toHaveLength(1);
	});

	it('lets a failed attempt be retried with the same key', async () => {
		const key = rand();
		await expect(runCommand(database.db, keyed(key), async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		const second = await runCommand(database.db, keyed(key), async () => ({ ok: true }));
		expect(second).toEqual({ ok: true });
	});

	it('refuses the same key with a different request (422) without running the command again', async () => {
		const key = rand();
		expect(await runCommand(database.db, keyed(key, { patientId: 'a', start: '09:00' }), async () => ({ first: true }))).toEqual({ first: true });
		let ran = false;
		const reused = runCommand(database.db, keyed(key, { patientId: 'b', start: '09:00' }), async () => {
			ran = true;
			return { second: true };
		});
		await expect(reused).rejects.toMatchObject({ code: 'idempotency_key_reused', status: 422, field: 'idempotencyKey' });
		expect(ran).toBe(false);
		// The same request, its fields in another order, is the same request.
		expect(await runCommand(database.db, keyed(key, { start: '09:00', patientId: 'a' }), async () => ({ again: true }))).toEqual({ first: true });
	});

	it('treats another person’s use of the same key as a claim of their own', async () => {
		const key = rand();
		const mine = await runCommand(database.db, keyed(key, { reason: 'mine' }), async () => ({ reason: 'mine' }));
		const theirs = await runCommand(database.db, keyed(key, { reason: 'theirs' }, crypto.randomUUID()), async () => ({ reason: 'theirs' }));
		expect(mine).toEqual({ reason: 'mine' });
		expect(theirs).toEqual({ reason: 'theirs' });
	});

	it('hashes the canonical request: key order and the key itself do not matter, values and nesting do', () => {
		expect(requestHash({ a: 1, b: { c: 2, d: [1, 2] } })).toBe(requestHash({ b: { d: [1, 2], c: 2 }, a: 1, idempotencyKey: 'k1' }));
		expect(requestHash({ a: 1, b: { c: 2 } })).not.toBe(requestHash({ a: 1, b: { c: 3 } }));
		expect(requestHash({ start: new Date('2026-01-01T09:00:00Z') })).toBe(requestHash({ start: '2026-01-01T09:00:00.000Z' }));
		expect(requestHash({ a: [1, 2] })).not.toBe(requestHash({ a: [2, 1] }));
	});
});

describe('setup', () => {
	it('succeeds exactly once even when two arrive together, and then reports done', async () => {
		const fresh = await freshDatabase();
		try {
			expect(await isSetupDone(fresh.db)).toBe(false);
			const outcomes = await Promise.allSettled([setupInstallation(fresh.db, setupBody('ONE01')), setupInstallation(fresh.db, setupBody('TWO02'))]);
			const ok = outcomes.filter((o) => o.status === 'fulfilled');
			const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
			expect(ok).toHaveLength(1);
			expect(refused).toHaveLength(1);
			expect(refused[0].reason).toBeInstanceOf(AppError);
			expect(refused[0].reason.code).toBe('already_setup');
			expect(await isSetupDone(fresh.db)).toBe(true);
			const clinics = await fresh.query<{ code: string }>('SELECT code FROM clinic');
			expect(clinics).toHaveLength(1);
		} finally {
			await fresh.drop();
		}
	});

	it('refuses bad input with the offending field and creates nothing', async () => {
		const fresh = await freshDatabase();
		try {
			const cases: [unknown, string][] = [
				[{ ...setupBody('ABC01'), clinic: { ...setupBody('ABC01').clinic, code: "A'; DROP TABLE clinic;--" } }, 'clinic.code'],
				[{ ...setupBody('ABC01'), clinic: { ...setupBody('ABC01').clinic, timezone: 'Mars/Olympus' } }, 'clinic.timezone'],
				[{ ...setupBody('ABC01'), clinic: { ...setupBody('ABC01').clinic, currency: 'XYZW' } }, 'clinic.currency'],
				[{ ...setupBody('ABC01'), admin: { ...setupBody('ABC01').admin, email: 'not an email' } }, 'admin.email'],
				[{ ...setupBody('ABC01'), admin: { ...setupBody('ABC01').admin, password: 'short' } }, 'admin.password'],
				[{ ...setupBody('ABC01'), admin: { ...setupBody('ABC01').admin, name: 'x'.repeat(500) } }, 'admin.name'],
				[{ clinic: 'nope' }, 'clinic']
			];
			for (const [body, field] of cases) {
				await expect(setupInstallation(fresh.db, body)).rejects.toMatchObject({ status: 400, field });
			}
			expect(await isSetupDone(fresh.db)).toBe(false);
			expect(await fresh.query('SELECT 1 FROM app_user')).toHaveLength(0);
		} finally {
			await fresh.drop();
		}
	});
});
