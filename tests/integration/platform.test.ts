import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDatabase, testDatabase } from '../db';
import { rand } from '../factories';
import { runCommand } from '../../src/lib/server/command';
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

describe('runCommand idempotency', () => {
	it('acts once for concurrent retries with the same key and returns the first answer to all', async () => {
		const key = rand();
		const results = await Promise.all(
			Array.from({ length: 6 }, (_, i) =>
				runCommand(database.db, { scope: 'test', key }, async (tx) => {
					const [row] = await tx.insert(outboxEvent).values({ type: 'test.idempotent', payload: { key, attempt: i } }).returning();
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
		await expect(runCommand(database.db, { scope: 'test', key }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		const second = await runCommand(database.db, { scope: 'test', key }, async () => ({ ok: true }));
		expect(second).toEqual({ ok: true });
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
