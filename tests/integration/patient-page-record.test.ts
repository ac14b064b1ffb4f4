import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { makeClinic, makeMember, rand } from '../factories';
import { insertCompletedVisit } from '../visitFixtures';
import type { Db } from '../../src/lib/server/db';
import type { Role } from '../../src/lib/server/db/schema';
import { createSession, generateSessionToken, validateSessionToken } from '../../src/lib/server/auth/session';
import { completedVisits, visitSummary, vitalsOverTime } from '../../src/lib/server/patients/timeline';
import { listAllergies, type ClinicalRecord } from '../../src/lib/server/patients/clinicalRecord';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import { actions, load } from '../../src/routes/(staff)/[clinic]/patients/[id]/+page.server';
import { load as summaryLoad } from '../../src/routes/(staff)/[clinic]/patients/[id]/visits/[visitId]/+page.server';
import { makePatient } from './queueScene';

/**
 * The staff patient page's clinical record card, EMR timeline and printable visit summary: who sees
 * them, the forms that change the record, and the completed visits (written as fixtures until
 * "complete visit" lands) as the timeline and summary show them.
 */
let db: Db;
let clinic: Awaited<ReturnType<typeof makeClinic>>;
const staff = {} as Record<Role, { id: string; name: string }>;

beforeAll(async () => {
	db = (await testDatabase()).db;
	clinic = await makeClinic(db, { temperatureUnit: 'F' });
	for (const role of ['admin', 'doctor', 'nurse', 'reception', 'pharmacist'] as const) {
		const made = await makeMember(db, clinic.id, role);
		staff[role] = { id: made.id, name: made.name };
	}
});

const ctxOf = (role: Role): ClinicContext => ({ clinicId: clinic.id, actor: { userId: staff[role].id, role } });

type LoadEvent = Parameters<typeof load>[0];
type ActionEvent = Parameters<(typeof actions)['addAllergy']>[0];
type SummaryEvent = Parameters<typeof summaryLoad>[0];

async function requestAs(role: Role, patientId: string, form?: Record<string, string>, visitId?: string) {
	const token = generateSessionToken();
	await createSession(db, token, staff[role].id, { twoFactorVerified: true });
	const { session, user } = await validateSessionToken(db, token);
	const url = new URL(`http://localhost/${clinic.code}/patients/${patientId}`);
	const request = new Request(url, { method: 'POST', body: new URLSearchParams(form ?? {}), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
	return {
		locals: { session, user, locale: 'en' },
		url,
		params: { clinic: clinic.code, id: patientId, visitId: visitId ?? '' },
		request,
		setHeaders: () => {}
	};
}

async function pageAs(role: Role, patientId: string) {
	const data = await load((await requestAs(role, patientId)) as unknown as LoadEvent);
	if (!data) throw new Error('no page data');
	return data;
}

const act = async (role: Role, action: keyof typeof actions, patientId: string, form: Record<string, string>) =>
	actions[action]((await requestAs(role, patientId, form)) as unknown as ActionEvent);

describe('the clinical record card', () => {
	it('doctors and nurses read and write it, pharmacists only read it, admins and reception never see it', async () => {
		const record = await makePatient(db, clinic.id);
		for (const role of ['doctor', 'nurse'] as const) {
			const data = await pageAs(role, record.id);
			expect(data.clinicalRecord).not.toBeNull();
			expect(data.canWriteRecord).toBe(true);
		}
		const pharmacy = await pageAs('pharmacist', record.id);
		expect(pharmacy.clinicalRecord).not.toBeNull();
		expect(pharmacy.canWriteRecord).toBe(false);
		for (const role of ['admin', 'reception'] as const) {
			const data = await pageAs(role, record.id);
			expect(data.clinicalRecord).toBeNull();
			expect(data.canWriteRecord).toBe(false);
		}
	});

	it('a doctor adds a severe allergy through the form; a retried form records it once', async () => {
		const record = await makePatient(db, clinic.id);
		const form = { substance: 'Penicillin', reaction: 'Anaphylaxis', severity: 'severe', idempotencyKey: rand(8) };
		expect(await act('doctor', 'addAllergy', record.id, form)).toEqual({ recordSaved: 'allergy' });
		await act('doctor', 'addAllergy', record.id, form);
		const data = await pageAs('doctor', record.id);
		expect(data.clinicalRecord?.allergies.map((a: ClinicalRecord['allergies'][number]) => [a.substance, a.severity, a.atcCode, a.recordedByName])).toEqual([
			['Penicillin', 'severe', 'J01C', staff.doctor.name]
		]);
	});

	it('a refused form names every field at once and keeps what was typed', async () => {
		const record = await makePatient(db, clinic.id);
		const result = await act('nurse', 'addAllergy', record.id, { substance: '', reaction: 'Rash', severity: '', idempotencyKey: rand(8) });
		expect(result).toMatchObject({
			status: 400,
			data: { values: { form: 'allergy', reaction: 'Rash' }, error: { fields: [{ field: 'substance' }, { field: 'severity' }] } }
		});
		const condition = await act('doctor', 'addCondition', record.id, { name: 'Diabetes', code: 'XX9', idempotencyKey: rand(8) });
		expect(condition).toMatchObject({ status: 400, data: { error: { fields: [{ field: 'code', code: 'icd10_code_unknown' }] } } });
	});

	it('the desk, admins and the pharmacy cannot change it through the forms', async () => {
		const record = await makePatient(db, clinic.id);
		for (const role of ['admin', 'reception', 'pharmacist'] as const) {
			const result = await act(role, 'addAllergy', record.id, { substance: 'Dust', severity: 'mild', idempotencyKey: rand(8) });
			expect(result).toMatchObject({ status: 403 });
			expect(await act(role, 'setBloodGroup', record.id, { bloodGroup: 'O+' })).toMatchObject({ status: 403 });
		}
		expect(await listAllergies(db, ctxOf('doctor'), record.id)).toEqual([]);
	});

	it('removes an allergy, resolves a condition, stops a medicine and sets the blood group through the forms', async () => {
		const record = await makePatient(db, clinic.id);
		await act('doctor', 'addAllergy', record.id, { substance: 'Latex', severity: 'moderate', idempotencyKey: rand(8) });
		await act('doctor', 'addCondition', record.id, { name: 'Asthma', code: 'J45.9', since: '2010', idempotencyKey: rand(8) });
		await act('nurse', 'addMedication', record.id, { name: 'Salbutamol inhaler', dose: '2 puffs as needed', idempotencyKey: rand(8) });
		await act('nurse', 'setBloodGroup', record.id, { bloodGroup: 'B+' });
		const before = (await pageAs('doctor', record.id)).clinicalRecord;
		expect(before).toMatchObject({
			bloodGroup: 'B+',
			conditions: [{ name: 'Asthma', code: 'J45.9', since: '2010' }],
			medications: [{ dose: '2 puffs as needed' }]
		});
		await act('doctor', 'removeAllergy', record.id, { entryId: before?.allergies[0].id ?? '' });
		await act('doctor', 'resolveCondition', record.id, { entryId: before?.conditions[0].id ?? '' });
		await act('doctor', 'stopMedication', record.id, { entryId: before?.medications[0].id ?? '' });
		expect((await pageAs('doctor', record.id)).clinicalRecord).toMatchObject({ allergies: [], conditions: [], medications: [] });
	});
});

describe('the EMR timeline and the visit summary', () => {
	async function patientWithVisits() {
		const record = await makePatient(db, clinic.id);
		const older = await insertCompletedVisit(db, {
			clinicId: clinic.id,
			patientId: record.id,
			doctorId: staff.doctor.id,
			completedAt: new Date(Date.now() - 30 * 86_400_000),
			complaint: 'Headache',
			vitals: { systolic: 150, diastolic: 95, pulse: 88, weightKg: 82 },
			diagnoses: [{ code: 'I10', title: 'Essential (primary) hypertension' }]
		});
		const newer = await insertCompletedVisit(db, {
			clinicId: clinic.id,
			patientId: record.id,
			doctorId: staff.doctor.id,
			complaint: 'Follow-up of blood pressure',
			complaintDuration: '1 month',
			plan: 'Continue amlodipine',
			advice: 'Less salt',
			vitals: { systolic: 132, diastolic: 84, pulse: 76, temperature: 37, weightKg: 80.5, glucose: 110 },
			glucoseQualifier: 'fasting',
			diagnoses: [
				{ code: 'I10', title: 'Essential (primary) hypertension' },
				{ code: null, title: 'Worried about stroke' }
			],
			notes: { symptoms: 'Occasional headache', observations: 'Looks well', diagnosis: 'BP better controlled', treatment: 'Amlodipine 5 mg' },
			addenda: [{ text: 'Lab: HbA1c 5.6%', reason: 'Result arrived' }]
		});
		return { record, older, newer };
	}

	it('lists completed visits newest first with doctor, complaint, coded diagnoses and key vitals', async () => {
		const { record, older, newer } = await patientWithVisits();
		const visits = await completedVisits(db, ctxOf('nurse'), record.id);
		expect(visits.map((v) => v.id)).toEqual([newer, older]);
		expect(visits[0]).toMatchObject({
			doctorName: staff.doctor.name,
			complaint: 'Follow-up of blood pressure',
			diagnoses: [
				{ code: 'I10', title: 'Essential (primary) hypertension' },
				{ code: null, title: 'Worried about stroke' }
			]
		});
		expect(visits[0].vitals.map((v) => [v.kind, v.value, v.unit])).toEqual([
			['systolic', 132, 'mmHg'],
			['diastolic', 84, 'mmHg'],
			['pulse', 76, '/min'],
			['temperature', 37, '°C'],
			['weightKg', 80.5, 'kg'],
			['glucose', 110, 'mg/dL']
		]);
		const points = await vitalsOverTime(db, ctxOf('doctor'), record.id);
		expect(points.filter((p) => p.kind === 'systolic').map((p) => p.value)).toEqual([150, 132]);
		expect(points.some((p) => p.kind === 'temperature')).toBe(false);
	});

	it('shows the timeline to clinicians only, never to the desk, admins or the pharmacy', async () => {
		const { record } = await patientWithVisits();
		expect((await pageAs('doctor', record.id)).timeline?.visits).toHaveLength(2);
		expect((await pageAs('nurse', record.id)).timeline?.temperatureUnit).toBe('F');
		for (const role of ['admin', 'reception', 'pharmacist'] as const) {
			expect((await pageAs(role, record.id)).timeline).toBeNull();
			await expect(completedVisits(db, ctxOf(role), record.id)).rejects.toMatchObject({ status: 403 });
		}
	});

	it('the printable summary has the whole visit, and refuses the desk, the pharmacy and another record’s visit', async () => {
		const { record, newer } = await patientWithVisits();
		const data = await summaryLoad((await requestAs('doctor', record.id, undefined, newer)) as unknown as SummaryEvent);
		expect(data).toMatchObject({
			summary: {
				ref: expect.stringMatching(new RegExp(`^${clinic.code}-V\\d+$`)),
				doctorName: staff.doctor.name,
				complaint: 'Follow-up of blood pressure',
				complaintDuration: '1 month',
				plan: 'Continue amlodipine',
				advice: 'Less salt',
				notes: [
					{ category: 'symptoms', text: 'Occasional headache' },
					{ category: 'observations', text: 'Looks well' },
					{ category: 'diagnosis', text: 'BP better controlled' },
					{ category: 'treatment', text: 'Amlodipine 5 mg' }
				],
				addenda: [{ text: 'Lab: HbA1c 5.6%', reason: 'Result arrived', authorName: staff.doctor.name }]
			},
			patient: { name: record.name },
			clinicInfo: { temperatureUnit: 'F' }
		});
		for (const role of ['reception', 'pharmacist', 'admin'] as const) {
			await expect(summaryLoad((await requestAs(role, record.id, undefined, newer)) as unknown as SummaryEvent)).rejects.toMatchObject({ status: 403 });
		}
		const other = await makePatient(db, clinic.id);
		await expect(visitSummary(db, ctxOf('doctor'), other.id, newer)).rejects.toMatchObject({ status: 404 });
	});
});
