import { beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, sql } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeMember, makeUser, PASSWORD, rand } from '../factories';
import { appendAudit, verifyAuditChain, type AuditEntry } from '../../src/lib/server/audit/audit';
import { runCommand } from '../../src/lib/server/command';
import { signIn } from '../../src/lib/server/auth/signIn';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { appointment, auditLog } from '../../src/lib/server/db/schema';
import { clinicToday, instantOf } from '../../src/lib/time';
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

/** One event without a clinic about a person (a sign-in, a password change), as its own command. */
const aboutPerson = (userId: string, actorUserId = userId): AuditEntry => ({
	clinicId: null,
	actorUserId,
	action: 'test.account',
	entityType: 'user',
	entityId: userId
});
const record = (entry: AuditEntry) => runCommand(database.db, null, (tx) => appendAudit(tx, entry));

/** Settles with the promise, or fails after `ms`: a writer queued behind someone else's lock shows up as a failure, not a hung test. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
	return Promise.race([promise, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`still waiting after ${ms} ms`)), ms))]);
}

/** A promise and the function that settles it: a command held at a point the test chooses. */
function gate() {
	let open = () => {};
	const opened = new Promise<void>((resolve) => (open = resolve));
	return { opened, open };
}

const onPostgres = Boolean(process.env.DATABASE_URL);

describe('audit chains of people (events without a clinic)', () => {
	it('puts each event on the chain of the person it is about, never on another person’s', async () => {
		const [a, b, admin] = [await makeUser(database.db), await makeUser(database.db), await makeUser(database.db)];
		await Promise.all([
			signIn(database.db, { email: a.email, password: PASSWORD }, `10.9.${rand(1)}.1`),
			signIn(database.db, { email: b.email, password: PASSWORD }, `10.9.${rand(1)}.2`),
			record(aboutPerson(a.id)),
			record(aboutPerson(b.id)),
			// Someone else acting on a's account: the event is about a, so it is on a's chain.
			record(aboutPerson(a.id, admin.id))
		]);

		expect(await verifyAuditChain(database.db, { userId: a.id })).toEqual({ ok: true, rows: 3 });
		expect(await verifyAuditChain(database.db, { userId: b.id })).toEqual({ ok: true, rows: 2 });
		expect(await verifyAuditChain(database.db, { userId: admin.id })).toEqual({ ok: true, rows: 0 });
		const aRows = await database.db.select().from(auditLog).where(eq(auditLog.subjectUserId, a.id)).orderBy(asc(auditLog.seq));
		expect(aRows.map((r) => [r.seq, r.clinicId])).toEqual([
			[1, null],
			[2, null],
			[3, null]
		]);
		expect(aRows.map((r) => r.action).sort()).toEqual(['auth.sign_in', 'test.account', 'test.account']);
	});

	it.runIf(onPostgres)('lets one person’s events through while another person’s chain is busy', async () => {
		const [a, b] = [await makeUser(database.db), await makeUser(database.db)];
		await Promise.all([record(aboutPerson(a.id)), record(aboutPerson(b.id))]);
		const release = gate();
		const holding = gate();
		// Someone is appending to a's chain and has not committed: its head row stays locked.
		const holder = database.db.transaction(async (tx) => {
			await tx.execute(sql`SELECT last_seq FROM audit_chain WHERE chain = ${`user:${a.id}`} FOR UPDATE`);
			holding.open();
			await release.opened;
		});
		await holding.opened;

		await within(10_000, record(aboutPerson(b.id)));
		// a's next event does queue behind the holder: the hold above is real.
		const queued = record(aboutPerson(a.id));
		await waitForChainWaiter();
		release.open();
		await holder;
		await queued;

		expect(await verifyAuditChain(database.db, { userId: a.id })).toEqual({ ok: true, rows: 2 });
		expect(await verifyAuditChain(database.db, { userId: b.id })).toEqual({ ok: true, rows: 2 });
	});
});

describe('audit chains under concurrent commands', () => {
	it.runIf(onPostgres)('locks a clinic’s chain only to append and commit, not while a command is still working', async () => {
		const clinic = await makeClinic(database.db);
		const user = await makeUser(database.db);
		const entry = (action: string): AuditEntry => ({ clinicId: clinic.id, actorUserId: user.id, action, entityType: 'test' });
		const recorded = gate();
		const release = gate();
		const slow = runCommand(database.db, null, async (tx) => {
			await appendAudit(tx, entry('test.slow'));
			recorded.open();
			// Still working (waiting for a row, a slow check): its entry is recorded but not yet appended.
			await release.opened;
		});
		await recorded.opened;

		await within(10_000, record(entry('test.quick')));
		release.open();
		await slow;

		const rows = await database.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.clinicId, clinic.id)).orderBy(asc(auditLog.seq));
		expect(rows.map((r) => r.action)).toEqual(['test.quick', 'test.slow']);
		expect(await verifyAuditChain(database.db, clinic.id)).toEqual({ ok: true, rows: 2 });
	});

	it('keeps the chain whole and the numbers consecutive while bookings race, one winner per slot', async () => {
		const TZ = 'Asia/Karachi';
		const clinic = await makeClinic(database.db, { timezone: TZ });
		const desk = { clinicId: clinic.id, actor: { userId: (await makeMember(database.db, clinic.id, 'reception')).id, role: 'reception' as const } };
		const doctor = await makeMember(database.db, clinic.id, 'doctor');
		await setAvailability(database.db, desk, doctor.id, {
			weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00', slotMinutes: 15 }))
		});
		const patients: string[] = [];
		for (let i = 0; i < 6; i++) {
			const result = await registerPatient(database.db, desk, { name: `Chain Patient ${rand(3)}` }, { allowDuplicate: true });
			if (result.status === 'created') patients.push(result.patient.id);
		}
		const day = clinicToday(TZ, new Date(Date.now() + 2 * 86_400_000));
		const slot = (i: number) => instantOf(`${day}T${String(9 + Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}:00`, TZ);
		const book = (i: number, start: string) =>
			bookAppointment(database.db, desk, { patientId: patients[i % patients.length], doctorId: doctor.id, start, idempotencyKey: rand(8) });

		const distinct = Array.from({ length: 12 }, (_, i) => book(i, slot(i + 1)));
		const race = Array.from({ length: 8 }, (_, i) => book(i, slot(0)));
		const [booked, raced] = await Promise.all([Promise.allSettled(distinct), Promise.allSettled(race)]);

		expect(booked.every((r) => r.status === 'fulfilled')).toBe(true);
		expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		for (const r of raced) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'slot_taken' });
		const refs = (await database.db.select({ refNo: appointment.refNo }).from(appointment).where(eq(appointment.clinicId, clinic.id)))
			.map((r) => r.refNo)
			.sort((x, y) => x - y);
		expect(refs).toEqual(Array.from({ length: 13 }, (_, i) => refs[0] + i));
		const bookings = await database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.clinicId, clinic.id), eq(auditLog.action, 'appointment.book')));
		expect(bookings).toHaveLength(13);
		const all = await database.db.select({ seq: auditLog.seq }).from(auditLog).where(eq(auditLog.clinicId, clinic.id));
		expect(await verifyAuditChain(database.db, clinic.id)).toEqual({ ok: true, rows: all.length });
	});

	it('refuses an entry recorded outside runCommand, where nobody would append it', async () => {
		const clinic = await makeClinic(database.db);
		await expect(
			database.db.transaction((tx) => appendAudit(tx, { clinicId: clinic.id, actorUserId: null, action: 'test.lost', entityType: 'test' }))
		).rejects.toThrow(/runCommand/);
		expect(await verifyAuditChain(database.db, clinic.id)).toEqual({ ok: true, rows: 0 });
	});

	it('detects rows cut from the end of a chain', async () => {
		const clinic = await makeClinic(database.db);
		const user = await makeUser(database.db);
		for (let i = 0; i < 3; i++) await record({ clinicId: clinic.id, actorUserId: user.id, action: 'test.entry', entityType: 'test', entityId: String(i) });
		await database.db.transaction(async (tx) => {
			await tx.execute(sql`SET LOCAL session_replication_role = replica`);
			await tx.execute(sql`DELETE FROM audit_log WHERE clinic_id = ${clinic.id} AND seq = 3`);
		});
		expect(await verifyAuditChain(database.db, clinic.id)).toEqual({ ok: false, rows: 2, brokenAtSeq: 3, reason: 'rows missing at the end' });
	});
});

/** Until a writer of this database waits for an audit chain's head (PostgreSQL only). */
async function waitForChainWaiter() {
	const until = Date.now() + 10_000;
	for (;;) {
		const waiting = await database.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			 WHERE NOT l.granted AND a.datname = current_database() AND a.query ILIKE '%audit_chain%'`
		);
		if (waiting[0].n > 0) return;
		if (Date.now() > until) throw new Error('nobody waited for an audit chain');
		await new Promise((r) => setTimeout(r, 20));
	}
}
