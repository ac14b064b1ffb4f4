import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember } from '../factories';
import { makePatient } from './queueScene';
import { patientAllergy, visit } from '../../src/lib/server/db/schema';
import { medicineResultsView, prescriptionView } from '../../src/lib/server/openapi/pharmacy';

let app: App;
let code: string;
let visitId: string;
let doctor: ApiClient, otherDoctor: ApiClient, desk: ApiClient, pharmacist: ApiClient, doctorInUrdu: ApiClient;

beforeAll(async () => {
	const people: Record<string, { email: string }> = {};
	app = await startApp({
		seed: async (db) => {
			const home = await makeClinic(db);
			code = home.code;
			Object.assign(people, {
				doctor: await makeMember(db, home.id, 'doctor'),
				otherDoctor: await makeMember(db, home.id, 'doctor'),
				desk: await makeMember(db, home.id, 'reception'),
				pharmacist: await makeMember(db, home.id, 'pharmacist')
			});
			const patient = await makePatient(db, home.id);
			const doctorId = (people.doctor as unknown as { id: string }).id;
			await db
				.insert(patientAllergy)
				.values({ clinicId: home.id, patientId: patient.id, substance: 'Penicillin', atcCode: 'J01C', severity: 'severe', recordedBy: doctorId });
			const [open] = await db.insert(visit).values({ clinicId: home.id, refNo: 1, patientId: patient.id, doctorId }).returning();
			visitId = open.id;
		}
	});
	[doctor, otherDoctor, desk, pharmacist] = await Promise.all(
		['doctor', 'otherDoctor', 'desk', 'pharmacist'].map((k) => signedIn(app, people[k].email, PASSWORD))
	);
	doctorInUrdu = await signedIn(app, people.doctor.email, PASSWORD, { 'accept-language': 'ur' });
});
afterAll(async () => {
	await app?.stop();
});

const search = async (client: ApiClient, q: string) =>
	medicineResultsView.parse((await client.get(`/api/v1/clinics/${code}/medicines?q=${encodeURIComponent(q)}`)).body).results;

describe('the medicine catalogue over HTTP', () => {
	it('lists the exact generic name first for any staff member', async () => {
		const results = await search(desk, 'amoxicillin');
		expect(results[0]).toMatchObject({ genericName: 'amoxicillin', brandNames: [], route: 'oral' });
		expect(Object.keys(results[0]).sort()).toEqual(['atcCode', 'brandNames', 'dosageTemplates', 'form', 'genericName', 'id', 'route', 'strength']);
	});

	it('adds a medicine, and answers a duplicate with 409 and its field', async () => {
		const body = { genericName: 'Rupatadine', form: 'tablet', strength: '10 mg', route: 'oral', brandNames: ['Rupafin'], idempotencyKey: randomUUID() };
		const res = await doctor.post(`/api/v1/clinics/${code}/medicines`, body);
		expect(res.status).toBe(201);
		expect((await search(pharmacist, 'rupaf')).map((m) => m.genericName)).toEqual(['Rupatadine']);
		expectError(await doctor.post(`/api/v1/clinics/${code}/medicines`, { ...body, idempotencyKey: randomUUID() }), 409, 'medicine_exists', 'genericName');
		expectError(await desk.post(`/api/v1/clinics/${code}/medicines`, { ...body, idempotencyKey: randomUUID() }), 403, 'forbidden');
	});
});

describe('prescribing over HTTP', () => {
	const url = () => `/api/v1/clinics/${code}/visits/${visitId}/prescription`;

	it('answers 422 prescription_warning for amoxicillin and a penicillin allergy, then saves with the override', async () => {
		const [amoxicillin] = (await search(doctor, 'amoxicillin')).filter((m) => m.form === 'tablet' && m.strength === '500 mg');
		const lines = [{ medicineId: amoxicillin.id, dose: '1 tablet', frequency: '1+1+1', durationDays: 5 }];
		const refused = await doctorInUrdu.put(url(), { lines, idempotencyKey: randomUUID() });
		expect(refused.status).toBe(422);
		const error = errorOf(refused) as { code: string; message: string; warnings: { id: string; kind: string; message: string }[] };
		expect(error.code).toBe('prescription_warning');
		expect(error.warnings).toEqual([{ id: `allergy:${amoxicillin.id}`, kind: 'allergy', message: expect.stringContaining('سے الرجی ہے') }]);
		expect((await doctor.get(url())).body).toMatchObject({ id: null, lines: [] });

		const saved = await doctor.put(url(), { lines, overrides: [{ warning: error.warnings[0].id, reason: 'Tested negative' }], idempotencyKey: randomUUID() });
		expect(saved.status).toBe(200);
		const view = prescriptionView.parse(saved.body);
		expect(view.lines).toMatchObject([{ medicineId: amoxicillin.id, quantity: 15, frequency: '1+1+1' }]);
		expect(view.warnings).toMatchObject([{ kind: 'allergy', override: { reason: 'Tested negative' } }]);
		expect(prescriptionView.parse((await pharmacist.get(url())).body).lines).toHaveLength(1);
	});

	it('serves the prescription as a PDF to the pharmacy, and refuses the desk in JSON', async () => {
		const res = await pharmacist.get(`/api/v1/clinics/${code}/visits/${visitId}/prescription.pdf`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/pdf');
		expect(res.text.startsWith('%PDF-')).toBe(true);
		expectError(await desk.get(`/api/v1/clinics/${code}/visits/${visitId}/prescription.pdf`), 403, 'forbidden');
		expectError(await pharmacist.get(`/api/v1/clinics/${code}/visits/${randomUUID()}/prescription.pdf`), 404, 'not_found');
	});

	it('refuses other doctors and the desk, bad lines with their fields, and an unknown visit', async () => {
		expectError(await otherDoctor.put(url(), { lines: [], idempotencyKey: randomUUID() }), 403, 'forbidden');
		expectError(await desk.get(url()), 403, 'forbidden');
		expectError(
			await doctor.put(url(), { lines: [{ medicineId: randomUUID(), dose: '1 tablet', frequency: 'often', durationDays: 5 }], idempotencyKey: randomUUID() }),
			400,
			'field_invalid',
			'lines.0.frequency'
		);
		expectError(await doctor.put(`/api/v1/clinics/${code}/visits/${randomUUID()}/prescription`, { lines: [], idempotencyKey: randomUUID() }), 404, 'not_found');
		expectError(await doctor.put(url(), { lines: [] }), 400, 'idempotency_key_required', 'idempotencyKey');
	});
});
