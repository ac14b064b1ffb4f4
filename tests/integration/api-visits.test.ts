import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { expectError, startApp, type ApiClient, type App } from './http';
import { makeClinic, makeMember, makeSession, makeUser, middayTimeZone, rand } from '../factories';
import { patient } from '../../src/lib/server/db/schema';
import { canonicalJson } from '../../src/lib/server/command';
import { openedVisitView, visitView, chartView } from '../../src/lib/server/openapi/visits';
import { queueView, tokenView } from '../../src/lib/server/openapi/queue';

let app: App;
let code: string;
let otherCode: string;
let doctorId: string;
let secondDoctorId: string;
const patients: string[] = [];
let otherClinicPatient: string;
let urduDoctor: ApiClient;
const as = {} as Record<'doctor' | 'secondDoctor' | 'nurse' | 'reception' | 'pharmacist' | 'admin' | 'otherDoctor' | 'patient', ApiClient>;

const base = (c = code) => `/api/v1/clinics/${c}`;
const key = () => `key-${rand(8)}`;

beforeAll(async () => {
	const tokens = {} as Record<keyof typeof as, string>;
	app = await startApp({
		seed: async (db) => {
			const home = await makeClinic(db, { timezone: middayTimeZone() });
			const other = await makeClinic(db);
			code = home.code;
			otherCode = other.code;
			const members = {
				doctor: await makeMember(db, home.id, 'doctor'),
				secondDoctor: await makeMember(db, home.id, 'doctor'),
				nurse: await makeMember(db, home.id, 'nurse'),
				reception: await makeMember(db, home.id, 'reception'),
				pharmacist: await makeMember(db, home.id, 'pharmacist'),
				admin: await makeMember(db, home.id, 'admin'),
				otherDoctor: await makeMember(db, other.id, 'doctor'),
				patient: await makeUser(db, { kind: 'patient' })
			};
			doctorId = members.doctor.id;
			secondDoctorId = members.secondDoctor.id;
			for (const [who, user] of Object.entries(members)) tokens[who as keyof typeof as] = await makeSession(db, user.id);
			const rows = await db
				.insert(patient)
				.values(Array.from({ length: 12 }, (_, i) => ({ clinicId: home.id, refNo: i + 1, name: `Visit patient ${i} ${rand(2)}` })))
				.returning();
			patients.push(...rows.map((r) => r.id));
			await db.update(patient).set({ userId: members.patient.id }).where(eq(patient.id, patients[0]));
			const [elsewhere] = await db.insert(patient).values({ clinicId: other.id, refNo: 1, name: 'Elsewhere' }).returning();
			otherClinicPatient = elsewhere.id;
		}
	});
	for (const who of Object.keys(tokens) as (keyof typeof as)[]) as[who] = app.client({ authorization: `Bearer ${tokens[who]}` });
	urduDoctor = app.client({ authorization: `Bearer ${tokens.doctor}`, 'accept-language': 'ur' });
}, 120_000);
afterAll(async () => {
	await app?.stop();
});

async function openFor(patientId: string, client = as.doctor, body: Record<string, unknown> = {}) {
	const res = await client.post(`${base()}/visits`, { patientId, idempotencyKey: key(), ...body });
	expect(res.status, JSON.stringify(res.body)).toBe(201);
	return openedVisitView.parse(res.body);
}

describe('opening a visit', () => {
	it('lets a doctor open one for themselves and a nurse for a doctor, with a human reference', async () => {
		const own = await openFor(patients[1]);
		expect(own).toMatchObject({ status: 'open', patientId: patients[1], doctorId });
		expect(own.ref).toMatch(new RegExp(`^${code}-V\\d+$`));
		const byNurse = await openFor(patients[2], as.nurse, { doctorId: secondDoctorId, setting: 'home' });
		expect(byNurse.doctorId).toBe(secondDoctorId);
		const view = visitView.parse((await as.doctor.get(`${base()}/visits/${byNurse.id}`)).body);
		expect(view).toMatchObject({ status: 'open', setting: 'home', room: null, tokenId: null, snapshot: null, addenda: [] });
	});

	it('answers a retry with the same visit, and refuses a second open visit with the same doctor (409 visit_open)', async () => {
		const k = key();
		const first = await as.doctor.post(`${base()}/visits`, { patientId: patients[3], idempotencyKey: k });
		const again = await as.doctor.post(`${base()}/visits`, { patientId: patients[3], idempotencyKey: k });
		expect(again.status).toBe(201);
		expect(again.body).toEqual(first.body);
		expectError(await as.doctor.post(`${base()}/visits`, { patientId: patients[3], idempotencyKey: key() }), 409, 'visit_open', 'patientId');
	});

	it('refuses reception, a pharmacist, an admin, a doctor opening for another doctor, another clinic and a patient account', async () => {
		for (const client of [as.reception, as.pharmacist, as.admin])
			expectError(await client.post(`${base()}/visits`, { patientId: patients[4], doctorId, idempotencyKey: key() }), 403, 'forbidden');
		expectError(await as.secondDoctor.post(`${base()}/visits`, { patientId: patients[4], doctorId, idempotencyKey: key() }), 403, 'forbidden');
		expect((await as.otherDoctor.post(`${base()}/visits`, { patientId: patients[4], idempotencyKey: key() })).status).toBe(404);
		expect([403, 404]).toContain((await as.patient.post(`${base()}/visits`, { patientId: patients[0], idempotencyKey: key() })).status);
	});

	it('refuses bad input with its field: unknown fields, a patient of another clinic, a nurse naming no doctor, a bad setting, no key', async () => {
		expectError(await as.doctor.post(`${base()}/visits`, { patientId: patients[4], idempotencyKey: key(), colour: 'red' }), 400, 'field_invalid');
		expectError(await as.doctor.post(`${base()}/visits`, { patientId: otherClinicPatient, idempotencyKey: key() }), 400, 'field_invalid', 'patientId');
		expectError(await as.nurse.post(`${base()}/visits`, { patientId: patients[4], idempotencyKey: key() }), 400, 'field_required', 'doctorId');
		expectError(await as.doctor.post(`${base()}/visits`, { patientId: patients[4], setting: 'moon', idempotencyKey: key() }), 400, 'field_invalid', 'setting');
		expectError(await as.doctor.post(`${base()}/visits`, { patientId: patients[4] }), 400, 'idempotency_key_required', 'idempotencyKey');
	});
});

describe('writing the chart through the API', () => {
	it('merges vitals per key, replaces fields, notes and diagnoses, and reads them back', async () => {
		const { id } = await openFor(patients[5]);
		const first = await as.nurse.patch(`${base()}/visits/${id}/chart`, {
			vitals: { systolic: 130, diastolic: 85, weightKg: 70, heightCm: 175 },
			complaint: 'Fever'
		});
		expect(first.status, JSON.stringify(first.body)).toBe(200);
		const second = chartView.parse(
			(
				await as.doctor.patch(`${base()}/visits/${id}/chart`, {
					vitals: { pulse: 88 },
					notes: { symptoms: 'Fever\nCough' },
					diagnoses: [{ code: 'J06.9', title: 'Acute URTI' }]
				})
			).body
		);
		expect(second.vitals).toEqual({ systolic: 130, diastolic: 85, pulse: 88, weightKg: 70, heightCm: 175, bmi: 22.9 });
		expect(second.complaint).toBe('Fever');
		expect(second.notes.symptoms).toBe('Fever\n\nCough');
		expect(second.diagnoses).toEqual([{ code: 'J06.9', title: 'Acute URTI' }]);
		const replaced = chartView.parse(
			(await as.doctor.patch(`${base()}/visits/${id}/chart`, { diagnoses: [{ title: 'Viral fever' }], notes: { symptoms: 'Better' } })).body
		);
		expect(replaced.diagnoses).toEqual([{ code: null, title: 'Viral fever' }]);
		// A code is written as the WHO does whatever its case and dot; an empty code is a free-text diagnosis.
		const spelled = chartView.parse(
			(
				await as.doctor.patch(`${base()}/visits/${id}/chart`, {
					diagnoses: [
						{ code: 'j069', title: 'Acute URTI' },
						{ code: '', title: 'Viral fever' }
					]
				})
			).body
		);
		expect(spelled.diagnoses).toEqual([
			{ code: 'J06.9', title: 'Acute URTI' },
			{ code: null, title: 'Viral fever' }
		]);
		expect(replaced.notes.symptoms).toBe('Better');
	});

	it('refuses impossible vitals with their field, unknown fields, and every role that may not write', async () => {
		const { id } = await openFor(patients[6]);
		expectError(await as.doctor.patch(`${base()}/visits/${id}/chart`, { vitals: { pulse: 900 } }), 400, 'vital_impossible', 'vitals.pulse');
		expectError(
			await as.doctor.patch(`${base()}/visits/${id}/chart`, { vitals: { systolic: 80, diastolic: 90 } }),
			400,
			'vital_impossible',
			'vitals.diastolic'
		);
		expectError(await as.doctor.patch(`${base()}/visits/${id}/chart`, { vitals: { heartRate: 80 } }), 400, 'field_invalid');
		expectError(await as.doctor.patch(`${base()}/visits/${id}/chart`, { mood: 'ok' }), 400, 'field_invalid');
		const madeUp = await as.doctor.patch(`${base()}/visits/${id}/chart`, {
			diagnoses: [
				{ code: 'R51', title: 'Headache' },
				{ code: 'ZZ9.99', title: 'Made up' }
			]
		});
		expectError(madeUp, 400, 'field_invalid', 'diagnoses.1.code');
		expect(madeUp.body).toMatchObject({
			error: { fields: [{ field: 'diagnoses.1.code', code: 'icd10_code_unknown', message: expect.stringContaining('ICD-10') }] }
		});
		const inUrdu = await urduDoctor.patch(`${base()}/visits/${id}/chart`, { diagnoses: [{ code: 'J99999', title: 'Made up' }] });
		expect(inUrdu.body).toMatchObject({
			error: { fields: [{ field: 'diagnoses.0.code', code: 'icd10_code_unknown', message: expect.stringMatching(/[\u0600-\u06FF]/) }] }
		});
		for (const client of [as.reception, as.pharmacist, as.admin, as.secondDoctor])
			expectError(await client.patch(`${base()}/visits/${id}/chart`, { complaint: 'x' }), 403, 'forbidden');
		expect((await as.otherDoctor.patch(`${base()}/visits/${id}/chart`, { complaint: 'x' })).status).toBe(404);
		expect([403, 404]).toContain((await as.patient.patch(`${base()}/visits/${id}/chart`, { complaint: 'x' })).status);
		const chart = visitView.parse((await as.doctor.get(`${base()}/visits/${id}`)).body);
		expect(chart.status).toBe('open');
	});
});

describe('completing a visit', () => {
	it('needs a diagnosis or a reason (422 chart_incomplete), and plausible vitals', async () => {
		const { id } = await openFor(patients[7]);
		expectError(await as.doctor.post(`${base()}/visits/${id}/complete`, { idempotencyKey: key() }), 422, 'chart_incomplete', 'diagnoses');
		await as.doctor.patch(`${base()}/visits/${id}/chart`, { reason: 'Routine review' });
		const done = await as.doctor.post(`${base()}/visits/${id}/complete`, { idempotencyKey: key() });
		expect(done.status, JSON.stringify(done.body)).toBe(200);
		expect(visitView.parse(done.body).snapshot?.reason).toBe('Routine review');
	});

	it('snapshots the chart into the record with its hash, answers a retry the same, then refuses every change with 409', async () => {
		const { id } = await openFor(patients[8], as.nurse, { doctorId });
		await as.nurse.patch(`${base()}/visits/${id}/chart`, {
			vitals: { temperature: 38.4, glucose: 110, weightKg: 60, heightCm: 160 },
			glucoseKind: 'fasting',
			complaint: 'Headache',
			complaintDuration: '3 days',
			history: 'Started after travel',
			notes: { observations: 'Alert' },
			diagnoses: [{ code: 'R51', title: 'Headache' }],
			plan: 'Rest',
			advice: 'Drink water',
			followUp: { inDays: 7, note: 'If not better' }
		});
		const k = key();
		const done = await as.doctor.post(`${base()}/visits/${id}/complete`, { idempotencyKey: k });
		expect(done.status, JSON.stringify(done.body)).toBe(200);
		const view = visitView.parse(done.body);
		expect(view.status).toBe('completed');
		expect(view.snapshot).toMatchObject({
			vitals: { temperature: 38.4, glucose: 110, weightKg: 60, heightCm: 160, bmi: 23.4 },
			glucoseKind: 'fasting',
			complaint: 'Headache',
			complaintDuration: '3 days',
			history: 'Started after travel',
			notes: { symptoms: '', observations: 'Alert', diagnosis: '', treatment: '' },
			diagnoses: [{ code: 'R51', title: 'Headache' }],
			plan: 'Rest',
			advice: 'Drink water',
			reason: '',
			followUp: { inDays: 7, note: 'If not better' },
			prescription: null
		});
		expect(view.contentHash).toBe(createHash('sha256').update(canonicalJson(view.snapshot)).digest('hex'));
		expect((await as.doctor.post(`${base()}/visits/${id}/complete`, { idempotencyKey: k })).body).toEqual(done.body);
		const read = visitView.parse((await as.secondDoctor.get(`${base()}/visits/${id}`)).body);
		expect(read.snapshot).toEqual(view.snapshot);
		expect(read.contentHash).toBe(view.contentHash);
		expectError(await as.doctor.post(`${base()}/visits/${id}/complete`, { idempotencyKey: key() }), 409, 'visit_completed');
		expectError(await as.nurse.patch(`${base()}/visits/${id}/chart`, { complaint: 'late' }), 409, 'visit_completed');
	});

	it('refuses reception, a pharmacist, an admin, another doctor of the clinic, another clinic and a patient account', async () => {
		const { id } = await openFor(patients[9]);
		await as.doctor.patch(`${base()}/visits/${id}/chart`, { reason: 'Check-up' });
		for (const client of [as.reception, as.pharmacist, as.admin, as.secondDoctor])
			expectError(await client.post(`${base()}/visits/${id}/complete`, { idempotencyKey: key() }), 403, 'forbidden');
		expect((await as.otherDoctor.post(`${base()}/visits/${id}/complete`, { idempotencyKey: key() })).status).toBe(404);
		expect((await as.otherDoctor.get(`${base(otherCode)}/visits/${id}`)).status).toBe(404);
		expect([403, 404]).toContain((await as.patient.post(`${base()}/visits/${id}/complete`, { idempotencyKey: key() })).status);
		for (const client of [as.reception, as.pharmacist, as.admin]) expectError(await client.get(`${base()}/visits/${id}`), 403, 'forbidden');
		expect([403, 404]).toContain((await as.patient.get(`${base()}/visits/${id}`)).status);
		expectError(await as.doctor.post(`${base()}/visits/${id}/complete`, { idempotencyKey: key(), extra: 1 }), 400, 'field_invalid');
		expect(visitView.parse((await as.doctor.get(`${base()}/visits/${id}`)).body).status).toBe('open');
	});

	it('completes the token still with the doctor and keeps its room; the queue’s own complete leaves the visit open', async () => {
		const checkIn = await as.reception.post(`${base()}/queue/check-in`, { patientId: patients[10], doctorId, idempotencyKey: key() });
		expect(checkIn.status).toBe(201);
		const made = await as.admin.post(`${base()}/rooms`, { name: `Room ${rand(2)}` });
		expect(made.status, JSON.stringify(made.body)).toBe(201);
		const roomId = (made.body as { id: string }).id;
		const called = tokenView.parse((await as.doctor.post(`${base()}/queue/next`, { doctorId, roomId, idempotencyKey: key() })).body);
		const visitId = called.visitId!;
		const opened = visitView.parse((await as.doctor.get(`${base()}/visits/${visitId}`)).body);
		expect(opened).toMatchObject({ tokenId: called.id, status: 'open', room: { id: roomId } });
		await as.doctor.patch(`${base()}/visits/${visitId}/chart`, { diagnoses: [{ title: 'Gastritis' }] });
		expect((await as.doctor.post(`${base()}/visits/${visitId}/complete`, { idempotencyKey: key() })).status).toBe(200);
		const queue = queueView.parse((await as.doctor.get(`${base()}/queue`)).body);
		expect(queue.tokens.find((t) => t.id === called.id)?.status).toBe('completed');

		await as.reception.post(`${base()}/queue/check-in`, { patientId: patients[11], doctorId, idempotencyKey: key() });
		const next = tokenView.parse((await as.doctor.post(`${base()}/queue/next`, { doctorId, idempotencyKey: key() })).body);
		expect(tokenView.parse((await as.doctor.post(`${base()}/queue/${next.id}/complete`, { idempotencyKey: key() })).body).status).toBe('completed');
		expect(visitView.parse((await as.doctor.get(`${base()}/visits/${next.visitId}`)).body).status).toBe('open');
	});
});

describe('addenda', () => {
	it('adds signed addenda in order to a completed visit only, by doctors and nurses of the clinic', async () => {
		const { id } = await openFor(patients[4]);
		expectError(await as.doctor.post(`${base()}/visits/${id}/addenda`, { text: 'Later', reason: 'Lab', idempotencyKey: key() }), 409, 'visit_not_completed');
		await as.doctor.patch(`${base()}/visits/${id}/chart`, { reason: 'Counselling' });
		await as.doctor.post(`${base()}/visits/${id}/complete`, { idempotencyKey: key() });
		const k = key();
		const first = await as.secondDoctor.post(`${base()}/visits/${id}/addenda`, { text: 'Lab came back normal', reason: 'Result arrived', idempotencyKey: k });
		expect(first.status, JSON.stringify(first.body)).toBe(201);
		expect(
			(await as.secondDoctor.post(`${base()}/visits/${id}/addenda`, { text: 'Lab came back normal', reason: 'Result arrived', idempotencyKey: k })).body
		).toEqual(first.body);
		await as.nurse.post(`${base()}/visits/${id}/addenda`, { text: 'Called the patient', reason: 'Follow-up call', idempotencyKey: key() });
		const view = visitView.parse((await as.doctor.get(`${base()}/visits/${id}`)).body);
		expect(view.addenda.map((a) => [a.authorId, a.text])).toEqual([
			[secondDoctorId, 'Lab came back normal'],
			[expect.any(String), 'Called the patient']
		]);
		expect(view.addenda[0].authorName).toBeTruthy();
		expectError(await as.doctor.post(`${base()}/visits/${id}/addenda`, { text: '', reason: 'x', idempotencyKey: key() }), 400, 'field_required', 'text');
		expectError(await as.doctor.post(`${base()}/visits/${id}/addenda`, { text: 'x', reason: 'x', idempotencyKey: key(), signed: true }), 400, 'field_invalid');
		for (const client of [as.reception, as.pharmacist, as.admin])
			expectError(await client.post(`${base()}/visits/${id}/addenda`, { text: 'x', reason: 'y', idempotencyKey: key() }), 403, 'forbidden');
		expect((await as.otherDoctor.post(`${base()}/visits/${id}/addenda`, { text: 'x', reason: 'y', idempotencyKey: key() })).status).toBe(404);
	});
});
