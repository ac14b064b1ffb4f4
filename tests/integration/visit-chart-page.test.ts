import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeMember, rand } from '../factories';
import type { Db } from '../../src/lib/server/db';
import type { Role } from '../../src/lib/server/db/schema';
import { clinic as clinicTable } from '../../src/lib/server/db/schema';
import { visit } from '../../src/lib/server/db/schema/queue';
import { patient as patientTable } from '../../src/lib/server/db/schema/patients';
import { patientAllergy, patientCondition, patientMedication, visitAddendum, visitDiagnosis, visitRecord } from '../../src/lib/server/db/schema/clinical';
import { createSession, generateSessionToken, validateSessionToken } from '../../src/lib/server/auth/session';
import { visitOfToken } from '../../src/lib/server/visits/chartPage';
import { updateClinicSettings } from '../../src/lib/server/tenancy/updateClinicSettings';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { callNext } from '../../src/lib/server/queue/callNext';
import { load } from '../../src/routes/(staff)/[clinic]/visits/[id]/+page.server';
import { ctxOf, makePatient } from './queueScene';

/**
 * The chart screen's read model: the visit and the patient's header (allergies, conditions and
 * medicines from the clinical record), who may write, and the completed snapshot with its
 * addenda. Clinical notes are never shown to the desk, the pharmacy, the admin or another clinic.
 */
let db: Db;
let clinic: Awaited<ReturnType<typeof makeClinic>>;
let other: Awaited<ReturnType<typeof makeClinic>>;
const staff: Partial<Record<Role | 'otherDoctor' | 'outsider', string>> = {};
let refNo = 1000 + Math.floor(Math.random() * 1000);

type LoadEvent = Parameters<typeof load>[0];

async function pageAs(userId: string, code: string, visitId: string) {
	const token = generateSessionToken();
	await createSession(db, token, userId, { twoFactorVerified: true });
	const { session, user } = await validateSessionToken(db, token);
	const url = new URL(`http://localhost/${code}/visits/${visitId}`);
	const data = await load({ locals: { session, user, locale: 'en' }, url, params: { clinic: code, id: visitId } } as unknown as LoadEvent);
	if (!data) throw new Error('no page data');
	return data;
}

async function makeVisit(patientId: string, status: 'open' | 'completed' = 'open') {
	const [row] = await db
		.insert(visit)
		.values({ clinicId: clinic.id, refNo: refNo++, patientId, doctorId: staff.doctor!, status, completedAt: status === 'completed' ? new Date() : null })
		.returning();
	return row;
}

beforeAll(async () => {
	db = (await testDatabase()).db;
	clinic = await makeClinic(db);
	other = await makeClinic(db);
	for (const role of ['doctor', 'nurse', 'reception', 'pharmacist', 'admin'] as const) staff[role] = (await makeMember(db, clinic.id, role)).id;
	staff.otherDoctor = (await makeMember(db, clinic.id, 'doctor')).id;
	staff.outsider = (await makeMember(db, other.id, 'doctor')).id;
});

describe('the chart page', () => {
	it('shows the visit, the patient’s allergies with severity, conditions and current medicines, and who may write', async () => {
		const patient = await makePatient(db, clinic.id, `Kamran ${rand(3)}`);
		await db.update(patientTable).set({ bloodGroup: 'B+', dateOfBirth: '1990-01-01', sex: 'male' }).where(eq(patientTable.id, patient.id));
		const by = staff.doctor!;
		await db.insert(patientAllergy).values([
			{ clinicId: clinic.id, patientId: patient.id, substance: 'Penicillin', reaction: 'Rash', severity: 'severe', recordedBy: by },
			{ clinicId: clinic.id, patientId: patient.id, substance: 'Latex', severity: 'mild', recordedBy: by, removedBy: by, removedAt: new Date() }
		]);
		await db
			.insert(patientCondition)
			.values({ clinicId: clinic.id, patientId: patient.id, name: 'Type 2 diabetes', code: 'E11', since: '2019', recordedBy: by });
		await db.insert(patientMedication).values({ clinicId: clinic.id, patientId: patient.id, name: 'Metformin', dose: '500 mg twice a day', recordedBy: by });
		const v = await makeVisit(patient.id);

		const mine = await pageAs(staff.doctor!, clinic.code, v.id);
		expect(mine.visit).toMatchObject({ ref: `${clinic.code}-V${v.refNo}`, status: 'open', setting: 'clinic', doctorId: staff.doctor });
		expect(mine.patient).toMatchObject({ ref: `${clinic.code}-P${patient.refNo}`, bloodGroup: 'B+', sex: 'male' });
		expect(mine.patient.ageYears).toBeGreaterThanOrEqual(30);
		expect(mine.patient.allergies).toEqual([expect.objectContaining({ substance: 'Penicillin', reaction: 'Rash', severity: 'severe' })]);
		expect(mine.patient.conditions).toEqual([expect.objectContaining({ name: 'Type 2 diabetes', code: 'E11', since: '2019' })]);
		expect(mine.patient.medications).toEqual([expect.objectContaining({ name: 'Metformin', dose: '500 mg twice a day' })]);
		expect(mine).toMatchObject({ canWrite: true, canComplete: true, canAmend: false, completed: null, temperatureUnit: 'C' });

		expect(await pageAs(staff.nurse!, clinic.code, v.id)).toMatchObject({ canWrite: true, canComplete: false });
		// Another doctor of the clinic reads the chart, and neither writes nor completes it.
		expect(await pageAs(staff.otherDoctor!, clinic.code, v.id)).toMatchObject({ canWrite: false, canComplete: false });
	});

	it.each(['reception', 'pharmacist', 'admin'] as const)('is not found for the %s', async (role) => {
		const v = await makeVisit((await makePatient(db, clinic.id)).id);
		await expect(pageAs(staff[role]!, clinic.code, v.id)).rejects.toMatchObject({ status: 404 });
	});

	it('is not found for another clinic’s doctor, under another clinic’s code, or for an id that is no visit', async () => {
		const v = await makeVisit((await makePatient(db, clinic.id)).id);
		await expect(pageAs(staff.outsider!, clinic.code, v.id)).rejects.toMatchObject({ status: 404 });
		await expect(pageAs(staff.outsider!, other.code, v.id)).rejects.toMatchObject({ status: 404 });
		await expect(pageAs(staff.doctor!, clinic.code, 'not-a-uuid')).rejects.toMatchObject({ status: 404 });
		await expect(pageAs(staff.doctor!, clinic.code, crypto.randomUUID())).rejects.toMatchObject({ status: 404 });
	});

	it('shows a completed visit read-only, with its snapshot and the addenda in order', async () => {
		const v = await makeVisit((await makePatient(db, clinic.id)).id, 'completed');
		await db.insert(visitRecord).values({
			visitId: v.id,
			clinicId: clinic.id,
			complaint: 'Cough',
			complaintDuration: '5 days',
			plan: 'Rest',
			reason: '',
			contentHash: 'x',
			chartState: '',
			completedBy: staff.doctor!
		});
		await db
			.insert(visitDiagnosis)
			.values({ clinicId: clinic.id, visitId: v.id, patientId: v.patientId, position: 0, code: 'J20.9', title: 'Acute bronchitis, unspecified' });
		await db.insert(visitAddendum).values([
			{ clinicId: clinic.id, visitId: v.id, authorId: staff.nurse!, text: 'Second', reason: 'Late vitals', createdAt: new Date(Date.now() - 1000) },
			{ clinicId: clinic.id, visitId: v.id, authorId: staff.doctor!, text: 'First', reason: 'Missed note', createdAt: new Date(Date.now() - 5000) }
		]);
		const page = await pageAs(staff.doctor!, clinic.code, v.id);
		expect(page).toMatchObject({ canWrite: false, canComplete: false, canAmend: true });
		expect(page.completed).toMatchObject({
			complaint: 'Cough',
			complaintDuration: '5 days',
			plan: 'Rest',
			diagnoses: [{ code: 'J20.9', title: 'Acute bronchitis, unspecified' }]
		});
		expect(page.completed?.addenda.map((a: { text: string }) => a.text)).toEqual(['First', 'Second']);
		expect(await pageAs(staff.otherDoctor!, clinic.code, v.id)).toMatchObject({ canAmend: false });
	});

	it('takes the doctor from a called token to its visit; the desk gets nothing', async () => {
		const patient = await makePatient(db, clinic.id);
		const desk = ctxOf(clinic.id, staff.reception!, 'reception');
		const token = await checkInPatient(db, desk, { patientId: patient.id, doctorId: staff.doctor, idempotencyKey: rand(8) });
		await callNext(db, ctxOf(clinic.id, staff.doctor!, 'doctor'), { doctorId: staff.doctor, idempotencyKey: rand(8) });
		const [opened] = await db.select().from(visit).where(eq(visit.tokenId, token.id));
		expect(await visitOfToken(db, ctxOf(clinic.id, staff.doctor!, 'doctor'), token.id)).toBe(opened.id);
		expect(await visitOfToken(db, desk, token.id)).toBeNull();
		expect(await visitOfToken(db, ctxOf(other.id, staff.outsider!, 'doctor'), token.id)).toBeNull();
	});
});

describe('the clinic’s temperature unit', () => {
	it('is set through the clinic settings, kept when not given, and a unit that is neither is refused by its field', async () => {
		const admin = ctxOf(clinic.id, staff.admin!, 'admin');
		await updateClinicSettings(db, admin, { name: clinic.name, require2fa: false, temperatureUnit: 'F' });
		const unitOf = async () => (await db.select().from(clinicTable).where(eq(clinicTable.id, clinic.id)))[0].temperatureUnit;
		expect(await unitOf()).toBe('F');
		await updateClinicSettings(db, admin, { name: clinic.name, require2fa: false });
		expect(await unitOf()).toBe('F');
		await expect(updateClinicSettings(db, admin, { name: clinic.name, require2fa: false, temperatureUnit: 'K' })).rejects.toMatchObject({
			field: 'temperatureUnit'
		});
		expect(await unitOf()).toBe('F');
		await updateClinicSettings(db, admin, { name: clinic.name, require2fa: false, temperatureUnit: 'C' });
		expect(await unitOf()).toBe('C');
	});
});
