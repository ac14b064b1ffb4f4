import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { makeClinic, makeMember, rand } from '../factories';
import { inDays, pharmacyScene } from '../pharmacyScene';
import { key, makePatient } from './queueScene';
import type { Db } from '../../src/lib/server/db';
import type { Role } from '../../src/lib/server/db/schema';
import { createSession, generateSessionToken, validateSessionToken } from '../../src/lib/server/auth/session';
import { collectPrescription, dispensePrescription, preparePrescription } from '../../src/lib/server/pharmacy/dispense';
import { projectPatientLive } from '../../src/lib/server/sync/projections/patientLive';
import { patientLiveContract } from '../../src/lib/sync/contracts/queue';
import { load } from '../../src/routes/(staff)/[clinic]/patients/[id]/+page.server';

/**
 * Where a patient's prescription is, as the two who are not the pharmacy see it: the patient's own
 * live document (their phone) and the staff patient page (the desk). The status only, never the
 * medicines.
 */
let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

async function phoneOf(patientId: string) {
	const content = await projectPatientLive(db, { type: 'patientLive', patientId });
	return { content, parsed: patientLiveContract.parse(content) };
}

type LoadEvent = Parameters<typeof load>[0];

async function pageAs(userId: string, code: string, patientId: string) {
	const token = generateSessionToken();
	await createSession(db, token, userId, { twoFactorVerified: true });
	const { session, user } = await validateSessionToken(db, token);
	const url = new URL(`http://localhost/${code}/patients/${patientId}`);
	const event = { locals: { session, user, locale: 'en' }, url, params: { clinic: code, id: patientId }, request: new Request(url) };
	const data = await load(event as unknown as LoadEvent);
	if (!data) throw new Error('no page data');
	return data;
}

describe("the patient's phone: their prescriptions at the pharmacy", () => {
	it('goes from waiting to ready to collected with the pharmacy, names no medicine, and shows only their own', async () => {
		const s = await pharmacyScene(db);
		const name = `phonemycin ${rand(6)}`;
		const med = await s.addMedicine(name);
		await s.stock(med.id, 'PH-1', inDays(300), 20);
		const rx = await s.issue([{ medicineId: med.id, quantity: 5 }]);
		const other = await makePatient(db, s.home.id);
		await s.issue([{ medicineId: med.id, quantity: 1 }], other.id);

		let phone = await phoneOf(s.patient.id);
		expect(phone.parsed.prescriptions).toEqual([expect.objectContaining({ id: rx.id, status: 'waiting', readyAt: null, collectedAt: null })]);

		await preparePrescription(db, s.pharmacist, rx.id, {});
		expect((await phoneOf(s.patient.id)).parsed.prescriptions?.[0].status).toBe('in_progress');

		await dispensePrescription(db, s.pharmacist, rx.id, { lines: [{ lineId: rx.lines[0], quantity: 5 }], idempotencyKey: key() });
		phone = await phoneOf(s.patient.id);
		expect(phone.parsed.prescriptions).toEqual([expect.objectContaining({ id: rx.id, status: 'ready', readyAt: expect.any(String) })]);
		expect(JSON.stringify(phone.content)).not.toContain(name);
		expect(JSON.stringify(phone.content)).not.toContain(med.id);

		await collectPrescription(db, s.pharmacist, rx.id, { idempotencyKey: key() });
		phone = await phoneOf(s.patient.id);
		expect(phone.parsed.prescriptions).toEqual([expect.objectContaining({ id: rx.id, status: 'collected', collectedAt: expect.any(String) })]);
		expect((await phoneOf(other.id)).parsed.prescriptions).toEqual([expect.objectContaining({ status: 'waiting' })]);
	});

	it('tells the patient a line waits for stock, and lists nothing for a record without prescriptions', async () => {
		const s = await pharmacyScene(db);
		const med = await s.addMedicine();
		const rx = await s.issue([{ medicineId: med.id, quantity: 3 }]);
		await dispensePrescription(db, s.pharmacist, rx.id, { lines: [{ lineId: rx.lines[0], quantity: 3 }], idempotencyKey: key() });
		expect((await phoneOf(s.patient.id)).parsed.prescriptions?.[0].status).toBe('waiting_for_stock');
		const fresh = await makePatient(db, s.home.id);
		expect((await phoneOf(fresh.id)).parsed.prescriptions).toEqual([]);
	});
});

describe('the staff patient page: prescription statuses', () => {
	it('shows every staff role where the prescriptions are, without their medicines', async () => {
		const s = await pharmacyScene(db);
		const name = `deskmycin ${rand(6)}`;
		const med = await s.addMedicine(name);
		await s.stock(med.id, 'DK-1', inDays(300), 20);
		const ready = await s.issue([{ medicineId: med.id, quantity: 2 }]);
		const waiting = await s.issue([{ medicineId: med.id, quantity: 1 }]);
		await dispensePrescription(db, s.pharmacist, ready.id, { lines: [{ lineId: ready.lines[0], quantity: 2 }], idempotencyKey: key() });

		const roles: Role[] = ['reception', 'nurse', 'doctor', 'pharmacist', 'admin'];
		for (const role of roles) {
			const member = await makeMember(db, s.home.id, role);
			const data = await pageAs(member.id, s.home.code, s.patient.id);
			expect(data.prescriptions, role).toHaveLength(2);
			expect(Object.fromEntries((data.prescriptions ?? []).map((p: { id: string; status: string }) => [p.id, p.status])), role).toEqual({
				[ready.id]: 'ready',
				[waiting.id]: 'waiting'
			});
			expect(JSON.stringify(data.prescriptions)).not.toContain(name);
			expect(Object.keys(data.prescriptions?.[0] ?? {}).sort()).toEqual(['collectedAt', 'id', 'issuedAt', 'readyAt', 'status', 'visitId']);
		}
	});

	it("refuses another clinic's staff the record, and so its prescriptions", async () => {
		const s = await pharmacyScene(db);
		const elsewhere = await makeClinic(db);
		const stranger = await makeMember(db, elsewhere.id, 'reception');
		const refused = await pageAs(stranger.id, s.home.code, s.patient.id).then(
			() => null,
			(e: unknown) => e
		);
		// Not a member: the clinic is not found for them at all.
		expect(refused).toMatchObject({ status: 404 });
		const ownPage = await pageAs(stranger.id, elsewhere.code, s.patient.id).then(
			() => null,
			(e: unknown) => e
		);
		expect(ownPage).toMatchObject({ status: 404 });
	});
});
