import { and, eq } from 'drizzle-orm';
import { randomInt } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { makeClinic, makeMember, makeUser } from '../factories';
import { auditLog } from '../../src/lib/server/db/schema';
import { patient, patientLinkCode } from '../../src/lib/server/db/schema/patients';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { createLinkCode } from '../../src/lib/server/patients/createLinkCode';
import { linkPatientAccount, type LinkingAccount } from '../../src/lib/server/patients/linkPatientAccount';
import { unlinkPatientAccount } from '../../src/lib/server/patients/unlinkPatientAccount';
import { mergePatients } from '../../src/lib/server/patients/mergePatients';
import { accountLinks, recordAccount } from '../../src/lib/server/patients/linkQueries';
import { hashLinkCode, normalizeLinkCode } from '../../src/lib/server/patients/linkCode';
import { LINK_ADDRESS_ATTEMPTS, LINK_ATTEMPTS } from '../../src/lib/server/patients/linkAttempts';
import { isAppError } from '../../src/lib/server/errors';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

let database: Database;
let desk: ClinicContext;
let doctor: ClinicContext;
let otherDesk: ClinicContext;
let clinicCode: string;

beforeAll(async () => {
	database = await testDatabase();
	const clinic = await makeClinic(database.db, { name: 'Shifa Clinic' });
	clinicCode = clinic.code;
	const reception = await makeMember(database.db, clinic.id, 'reception');
	const doc = await makeMember(database.db, clinic.id, 'doctor');
	desk = { clinicId: clinic.id, actor: { userId: reception.id, role: 'reception' } };
	doctor = { clinicId: clinic.id, actor: { userId: doc.id, role: 'doctor' } };
	const other = await makeClinic(database.db, { name: 'Another Clinic' });
	const otherReception = await makeMember(database.db, other.id, 'reception');
	otherDesk = { clinicId: other.id, actor: { userId: otherReception.id, role: 'reception' } };
});

async function record(ctx = desk) {
	const result = await registerPatient(database.db, ctx, { name: 'Maryam Noor', age: 30 }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('expected a new record');
	return result.patient;
}

// Each test calls from its own address, so the per-address limit counts only that test's attempts.
let clientAddress = '';
const randomAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
beforeEach(() => {
	clientAddress = randomAddress();
});
const link = (account: LinkingAccount, input: unknown, address = clientAddress) => linkPatientAccount(database.db, account, input, address);

const patientAccount = async () => {
	const user = await makeUser(database.db, { kind: 'patient' });
	return { id: user.id, kind: user.kind };
};

const linkedUserOf = async (id: string) => (await database.db.select({ userId: patient.userId }).from(patient).where(eq(patient.id, id)))[0]?.userId ?? null;

const auditActions = async (entityId: string) =>
	(
		await database.db.select({ action: auditLog.action, data: auditLog.data }).from(auditLog).where(eq(auditLog.entityId, entityId)).orderBy(auditLog.id)
	).filter((r) => r.action.startsWith('patient.link') || r.action === 'patient.unlink');

describe('link codes', () => {
	it('gives the desk a readable one-time code valid for a day, storing only its SHA-256 and auditing without it', async () => {
		const p = await record();
		const before = Date.now();
		const { code, expiresAt } = await createLinkCode(database.db, desk, p.id);
		expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
		expect(expiresAt.getTime() - before).toBeGreaterThan(24 * 3600_000 - 60_000);
		expect(expiresAt.getTime() - before).toBeLessThanOrEqual(24 * 3600_000 + 1000);
		const rows = await database.db.select().from(patientLinkCode).where(eq(patientLinkCode.patientId, p.id));
		expect(rows).toHaveLength(1);
		expect(rows[0].codeHash).toBe(hashLinkCode(normalizeLinkCode(code)!));
		expect(JSON.stringify(rows)).not.toContain(code.replace('-', ''));
		const audit = await auditActions(p.id);
		expect(audit.map((a) => a.action)).toEqual(['patient.link_code']);
		expect(JSON.stringify(audit)).not.toContain(code.replace('-', ''));
		expect((await recordAccount(database.db, desk.clinicId, p.id)).openCodeExpiresAt?.getTime()).toBe(expiresAt.getTime());
	});

	it('lets only the desk (admin, reception) create codes, and only for its own clinic’s records', async () => {
		const p = await record();
		await expect(createLinkCode(database.db, doctor, p.id)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
		await expect(createLinkCode(database.db, otherDesk, p.id)).rejects.toMatchObject({ status: 404 });
		await expect(createLinkCode(database.db, desk, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404 });
		expect(await database.db.select().from(patientLinkCode).where(eq(patientLinkCode.patientId, p.id))).toEqual([]);
	});

	it('a new code replaces the previous unused one', async () => {
		const p = await record();
		const first = await createLinkCode(database.db, desk, p.id);
		const second = await createLinkCode(database.db, desk, p.id);
		const account = await patientAccount();
		await expect(link(account, { code: first.code })).rejects.toMatchObject({ status: 400, code: 'link_code_invalid', field: 'code' });
		expect(await linkedUserOf(p.id)).toBeNull();
		await link(account, { code: second.code });
		expect(await linkedUserOf(p.id)).toBe(account.id);
	});
});

describe('linking an account', () => {
	it('links the account to the record, lists the clinic, audits it, and accepts the code in any case without its dash', async () => {
		const p = await record();
		const { code } = await createLinkCode(database.db, desk, p.id);
		const account = await patientAccount();
		const linked = await link(account, { code: ` ${code.replace('-', '').toLowerCase()} ` });
		expect(linked).toEqual({ patientId: p.id, clinicCode, clinicName: 'Shifa Clinic', patientRef: `${clinicCode}-P${p.refNo}` });
		expect(await linkedUserOf(p.id)).toBe(account.id);
		expect(await accountLinks(database.db, account.id)).toEqual([linked]);
		expect((await auditActions(p.id)).map((a) => a.action)).toEqual(['patient.link_code', 'patient.link']);
		const shown = await recordAccount(database.db, desk.clinicId, p.id);
		expect(shown.account?.email).toMatch(/@example\.test$/);
		expect(shown.openCodeExpiresAt).toBeNull();
	});

	it('refuses wrong, malformed, expired and used codes with a translated code, changing nothing', async () => {
		const p = await record();
		const { code } = await createLinkCode(database.db, desk, p.id);
		const account = await patientAccount();
		await expect(link(account, { code: 'ZZZZ-ZZZZ' })).rejects.toMatchObject({ status: 400, code: 'link_code_invalid' });
		await expect(link(account, { code: "1'; DROP TABLE patient;--" })).rejects.toMatchObject({ status: 400, code: 'link_code_invalid' });
		await expect(link(account, { code: '' })).rejects.toMatchObject({ status: 400, field: 'code' });
		await expect(link(account, {})).rejects.toMatchObject({ status: 400, field: 'code' });
		await database.db
			.update(patientLinkCode)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(patientLinkCode.patientId, p.id));
		await expect(link(account, { code })).rejects.toMatchObject({ status: 400, code: 'link_code_expired', field: 'code' });
		expect(await linkedUserOf(p.id)).toBeNull();

		const q = await record();
		const fresh = await createLinkCode(database.db, desk, q.id);
		const first = await patientAccount();
		await link(first, { code: fresh.code });
		const late = await patientAccount();
		await expect(link(late, { code: fresh.code })).rejects.toMatchObject({ status: 409, code: 'link_code_used' });
		expect(await linkedUserOf(q.id)).toBe(first.id);
		// The same account sending the form twice gets its link back rather than an error.
		expect((await link(first, { code: fresh.code })).patientId).toBe(q.id);
	});

	it('of two accounts racing for one code, exactly one wins', async () => {
		const p = await record();
		const { code } = await createLinkCode(database.db, desk, p.id);
		const accounts = await Promise.all(Array.from({ length: 4 }, patientAccount));
		const results = await Promise.allSettled(accounts.map((a) => link(a, { code })));
		const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [accounts[i].id] : []));
		expect(won).toHaveLength(1);
		for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ status: 409, code: 'link_code_used' });
		expect(await linkedUserOf(p.id)).toBe(won[0]);
	});

	it('refuses a code for a record already linked to another account, and refuses creating one', async () => {
		const p = await record();
		const { code } = await createLinkCode(database.db, desk, p.id);
		const owner = await patientAccount();
		await database.db.update(patient).set({ userId: owner.id }).where(eq(patient.id, p.id));
		const other = await patientAccount();
		await expect(link(other, { code })).rejects.toMatchObject({ status: 409, code: 'patient_already_linked' });
		expect(await linkedUserOf(p.id)).toBe(owner.id);
		await expect(createLinkCode(database.db, desk, p.id)).rejects.toMatchObject({ status: 409, code: 'patient_already_linked' });
	});

	it('links one account to records in several clinics, but to at most one record per clinic', async () => {
		const account = await patientAccount();
		const here = await record();
		const there = await record(otherDesk);
		await link(account, { code: (await createLinkCode(database.db, desk, here.id)).code });
		await link(account, { code: (await createLinkCode(database.db, otherDesk, there.id)).code });
		expect((await accountLinks(database.db, account.id)).map((l) => l.clinicName)).toEqual(['Another Clinic', 'Shifa Clinic']);

		const second = await record();
		const { code } = await createLinkCode(database.db, desk, second.id);
		await expect(link(account, { code })).rejects.toMatchObject({ status: 409, code: 'account_linked_here' });
		expect(await linkedUserOf(second.id)).toBeNull();
		// The refused claim rolled back: the code still works for the person it was meant for.
		const rightful = await patientAccount();
		await link(rightful, { code });
		expect(await linkedUserOf(second.id)).toBe(rightful.id);
	});

	it('refuses staff accounts', async () => {
		const p = await record();
		const { code } = await createLinkCode(database.db, desk, p.id);
		await expect(link({ id: desk.actor.userId, kind: 'staff' }, { code })).rejects.toMatchObject({ status: 403 });
		expect(await linkedUserOf(p.id)).toBeNull();
	});

	it(`stops an account after ${LINK_ATTEMPTS} wrong codes, even when the next one is right`, async () => {
		const p = await record();
		const { code } = await createLinkCode(database.db, desk, p.id);
		const guesser = await patientAccount();
		for (let i = 0; i < LINK_ATTEMPTS; i++) {
			await expect(link(guesser, { code: `ABCD-EF${'23456789'[i]}${'23456789'[i]}` })).rejects.toMatchObject({ code: 'link_code_invalid' });
		}
		await expect(link(guesser, { code })).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
		expect(await linkedUserOf(p.id)).toBeNull();
		// Other accounts are not held back by one guesser.
		await link(await patientAccount(), { code });
	});

	const wrongCode = (i: number) => `WXYZ-${'23456789'[i % 8]}${'23456789'[Math.floor(i / 8) % 8]}${'ABCDEFGH'[Math.floor(i / 64) % 8]}2`;
	const codeRow = async (patientId: string) => (await database.db.select().from(patientLinkCode).where(eq(patientLinkCode.patientId, patientId)))[0];

	it(`stops an address after ${LINK_ADDRESS_ATTEMPTS} wrong codes across many accounts, even for a right code; other addresses are not held back`, async () => {
		const p = await record();
		const { code } = await createLinkCode(database.db, desk, p.id);
		const perAccount = LINK_ATTEMPTS - 1;
		for (let tried = 0; tried < LINK_ADDRESS_ATTEMPTS;) {
			// Every account stays below its own limit: only the address counter can trip.
			const account = await patientAccount();
			for (let i = 0; i < perAccount && tried < LINK_ADDRESS_ATTEMPTS; i++, tried++) {
				await expect(link(account, { code: wrongCode(tried) })).rejects.toMatchObject({ status: 400, code: 'link_code_invalid' });
			}
		}
		const fresh = await patientAccount();
		const refused = await link(fresh, { code }).catch((e: unknown) => e);
		if (!isAppError(refused)) throw new Error(`expected a refusal, got ${String(refused)}`);
		expect(refused).toMatchObject({ status: 429, code: 'rate_limited' });
		expect(Number(refused.params.seconds)).toBeGreaterThan(0);
		expect(Number(refused.params.seconds)).toBeLessThanOrEqual(3600);
		// Nothing changed: the record is unlinked, the code unspent, nothing audited.
		expect(await linkedUserOf(p.id)).toBeNull();
		expect((await codeRow(p.id))?.usedAt).toBeNull();
		expect((await auditActions(p.id)).map((a) => a.action)).toEqual(['patient.link_code']);
		// The same account, from somewhere else, links.
		await link(fresh, { code }, randomAddress());
		expect(await linkedUserOf(p.id)).toBe(fresh.id);
	});

	it('gives a burst of simultaneous wrong codes no more than the allowance, per account and per address', async () => {
		const guesser = await patientAccount();
		const burst = await Promise.allSettled(Array.from({ length: LINK_ATTEMPTS * 3 }, (_, i) => link(guesser, { code: wrongCode(i) })));
		const codes = burst.map((r) => (r.status === 'rejected' && isAppError(r.reason) ? r.reason.code : String(r.status)));
		expect(codes.filter((c) => c === 'link_code_invalid')).toHaveLength(LINK_ATTEMPTS);
		expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(LINK_ATTEMPTS * 2);

		const address = randomAddress();
		const accounts = await Promise.all(Array.from({ length: LINK_ADDRESS_ATTEMPTS + 10 }, patientAccount));
		const spread = await Promise.allSettled(accounts.map((a, i) => link(a, { code: wrongCode(i) }, address)));
		const spreadCodes = spread.map((r) => (r.status === 'rejected' && isAppError(r.reason) ? r.reason.code : String(r.status)));
		expect(spreadCodes.filter((c) => c === 'link_code_invalid')).toHaveLength(LINK_ADDRESS_ATTEMPTS);
		expect(spreadCodes.filter((c) => c === 'rate_limited')).toHaveLength(10);
	});

	it('does not count right codes or refused input towards either limit', async () => {
		const account = await patientAccount();
		for (let i = 0; i < LINK_ATTEMPTS - 1; i++) await expect(link(account, { code: wrongCode(i) })).rejects.toMatchObject({ code: 'link_code_invalid' });
		for (let i = 0; i < LINK_ATTEMPTS; i++) await expect(link(account, { code: '' })).rejects.toMatchObject({ status: 400, field: 'code' });
		const p = await record();
		const { code } = await createLinkCode(database.db, desk, p.id);
		await link(account, { code });
		// The form sent twice gets the link back, and that is no guess either.
		expect((await link(account, { code })).patientId).toBe(p.id);
		await expect(link(account, { code: wrongCode(LINK_ATTEMPTS) })).rejects.toMatchObject({ status: 400, code: 'link_code_invalid' });
		await expect(link(account, { code: wrongCode(LINK_ATTEMPTS + 1) })).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
	});
});

describe('unlinking', () => {
	it('the desk unlinks a record (audited); the account no longer lists it; a second unlink is refused', async () => {
		const p = await record();
		const account = await patientAccount();
		await link(account, { code: (await createLinkCode(database.db, desk, p.id)).code });
		await expect(unlinkPatientAccount(database.db, doctor, p.id)).rejects.toMatchObject({ status: 403 });
		await expect(unlinkPatientAccount(database.db, otherDesk, p.id)).rejects.toMatchObject({ status: 404 });
		expect(await linkedUserOf(p.id)).toBe(account.id);
		expect(await unlinkPatientAccount(database.db, desk, p.id)).toEqual({ patientId: p.id, userId: account.id });
		expect(await linkedUserOf(p.id)).toBeNull();
		expect(await accountLinks(database.db, account.id)).toEqual([]);
		const audit = await auditActions(p.id);
		expect(audit.at(-1)).toEqual({ action: 'patient.unlink', data: { userId: account.id } });
		await expect(unlinkPatientAccount(database.db, desk, p.id)).rejects.toMatchObject({ status: 409, code: 'patient_not_linked' });
		// Unlinked, the record can be linked again with a new code.
		await link(account, { code: (await createLinkCode(database.db, desk, p.id)).code });
		expect(await linkedUserOf(p.id)).toBe(account.id);
	});

	it('a merge moves a duplicate’s account to the survivor', async () => {
		const survivor = await record();
		const duplicate = await record();
		const account = await patientAccount();
		await link(account, { code: (await createLinkCode(database.db, desk, duplicate.id)).code });
		await mergePatients(database.db, desk, survivor.id, { mergeId: duplicate.id });
		const rows = await database.db
			.select({ id: patient.id, userId: patient.userId })
			.from(patient)
			.where(and(eq(patient.clinicId, desk.clinicId), eq(patient.userId, account.id)));
		expect(rows).toEqual([{ id: survivor.id, userId: account.id }]);
		expect((await accountLinks(database.db, account.id)).map((l) => l.patientId)).toEqual([survivor.id]);
	});
});
