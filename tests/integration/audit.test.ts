import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeUser } from '../factories';
import { appendAudit, verifyAuditChain } from '../../src/lib/server/audit/audit';
import { runCommand } from '../../src/lib/server/command';
import type { Database } from '../../src/lib/server/db';

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

async function writeEntries(clinicId: string, actorUserId: string, count: number) {
	await Promise.all(
		Array.from({ length: count }, (_, i) =>
			runCommand(database.db, null, (tx) =>
				appendAudit(tx, { clinicId, actorUserId, action: 'test.entry', entityType: 'test', entityId: String(i), data: { i, note: 'ß ü اردو' } })
			)
		)
	);
}

describe('audit log', () => {
	it('chains concurrent writers into one unbroken, verifiable sequence', async () => {
		const clinic = await makeClinic(database.db);
		const user = await makeUser(database.db);
		await writeEntries(clinic.id, user.id, 25);
		const check = await verifyAuditChain(database.db, clinic.id);
		expect(check).toEqual({ ok: true, rows: 25 });
	});

	it('keeps each clinic on its own chain', async () => {
		const [a, b] = [await makeClinic(database.db), await makeClinic(database.db)];
		const user = await makeUser(database.db);
		await Promise.all([writeEntries(a.id, user.id, 5), writeEntries(b.id, user.id, 3)]);
		expect(await verifyAuditChain(database.db, a.id)).toEqual({ ok: true, rows: 5 });
		expect(await verifyAuditChain(database.db, b.id)).toEqual({ ok: true, rows: 3 });
	});

	it('refuses updates and deletes', async () => {
		const clinic = await makeClinic(database.db);
		const user = await makeUser(database.db);
		await writeEntries(clinic.id, user.id, 1);
		await expect(database.query(`UPDATE audit_log SET action = 'x' WHERE clinic_id = $1`, [clinic.id])).rejects.toThrow(/append-only/);
		await expect(database.query(`DELETE FROM audit_log WHERE clinic_id = $1`, [clinic.id])).rejects.toThrow(/append-only/);
		expect(await verifyAuditChain(database.db, clinic.id)).toEqual({ ok: true, rows: 1 });
	});

	it('detects a row altered behind the trigger’s back', async () => {
		const clinic = await makeClinic(database.db);
		const user = await makeUser(database.db);
		await writeEntries(clinic.id, user.id, 4);
		// A superuser can bypass triggers for one transaction: exactly the tampering the chain exists to reveal.
		await database.db.transaction(async (tx) => {
			await tx.execute(sql`SET LOCAL session_replication_role = replica`);
			await tx.execute(sql`UPDATE audit_log SET data = '{"i": 99}'::jsonb WHERE clinic_id = ${clinic.id} AND seq = 3`);
		});
		const check = await verifyAuditChain(database.db, clinic.id);
		expect(check).toMatchObject({ ok: false, brokenAtSeq: 3, reason: 'row content altered' });
	});

	it('detects a deleted row', async () => {
		const clinic = await makeClinic(database.db);
		const user = await makeUser(database.db);
		await writeEntries(clinic.id, user.id, 4);
		await database.db.transaction(async (tx) => {
			await tx.execute(sql`SET LOCAL session_replication_role = replica`);
			await tx.execute(sql`DELETE FROM audit_log WHERE clinic_id = ${clinic.id} AND seq = 2`);
		});
		const check = await verifyAuditChain(database.db, clinic.id);
		expect(check).toMatchObject({ ok: false, brokenAtSeq: 3 });
	});
});
