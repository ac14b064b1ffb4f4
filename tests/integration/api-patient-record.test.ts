import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember, rand } from '../factories';
import { allergyView, conditionView, medicationView } from '../../src/lib/server/openapi/clinicalRecord';

/** The clinical record over /api/v1: allergies, conditions and medications, as the contract has them. */
let app: App;
let clinicA: { id: string; code: string };
let clinicB: { id: string; code: string };
const clients = {} as Record<'doctor' | 'nurse' | 'pharmacist' | 'reception' | 'admin' | 'otherAdmin', ApiClient>;

beforeAll(async () => {
	const people: Record<string, { email: string }> = {};
	app = await startApp({
		seed: async (db) => {
			clinicA = await makeClinic(db);
			clinicB = await makeClinic(db);
			for (const role of ['doctor', 'nurse', 'pharmacist', 'reception', 'admin'] as const) people[role] = await makeMember(db, clinicA.id, role);
			people.otherAdmin = await makeMember(db, clinicB.id, 'admin');
		}
	});
	for (const key of Object.keys(people) as (keyof typeof clients)[]) clients[key] = await signedIn(app, people[key].email, PASSWORD);
});
afterAll(async () => {
	await app?.stop();
});

const base = (id: string, code = clinicA.code) => `/api/v1/clinics/${code}/patients/${id}`;

async function newPatient() {
	const res = await clients.reception.post(`/api/v1/clinics/${clinicA.code}/patients`, { name: `Record ${rand(3)}`, allowDuplicate: true });
	expect(res.status, res.text).toBe(201);
	return String((res.body as { id: string }).id);
}

describe('GET/POST …/patients/{id}/allergies', () => {
	it('records a severe allergy with its class and lists it, to clinicians and the pharmacy', async () => {
		const id = await newPatient();
		const res = await clients.doctor.post(`${base(id)}/allergies`, { substance: 'Penicillin', reaction: 'Hives', severity: 'severe', idempotencyKey: rand(8) });
		expect(res.status, res.text).toBe(201);
		const allergy = allergyView.strict().parse(res.body);
		expect(allergy).toMatchObject({ substance: 'Penicillin', reaction: 'Hives', severity: 'severe', atcCode: 'J01C' });
		for (const reader of ['doctor', 'nurse', 'pharmacist'] as const) {
			const list = await clients[reader].get(`${base(id)}/allergies`);
			expect(list.status).toBe(200);
			expect(list.body).toEqual({ allergies: [allergy] });
		}
	});

	it('takes the key from the Idempotency-Key header and answers a retry with the first result', async () => {
		const id = await newPatient();
		const key = rand(8);
		const body = { substance: 'Amoxicillin', severity: 'moderate' };
		const first = await clients.nurse.post(`${base(id)}/allergies`, body, { headers: { 'idempotency-key': key } });
		const again = await clients.nurse.post(`${base(id)}/allergies`, body, { headers: { 'idempotency-key': key } });
		expect(again.body).toEqual(first.body);
		expect(((await clients.nurse.get(`${base(id)}/allergies`)).body as { allergies: unknown[] }).allergies).toHaveLength(1);
		expectError(await clients.nurse.post(`${base(id)}/allergies`, body), 400, 'idempotency_key_required', 'idempotencyKey');
	});

	it('refuses an empty substance, a bad severity and an unknown field, each with its field', async () => {
		const id = await newPatient();
		const res = await clients.doctor.post(`${base(id)}/allergies`, { substance: '', severity: 'deadly', colour: 'red', idempotencyKey: rand(8) });
		expect(res.status).toBe(400);
		const fields = (res.body as { error: { fields: { field: string }[] } }).error.fields.map((f) => f.field);
		expect(fields.sort()).toEqual(['colour', 'severity', 'substance']);
	});

	it('refuses admins and reception (read and write), the pharmacy’s writes, and another clinic', async () => {
		const id = await newPatient();
		const body = () => ({ substance: 'Dust', severity: 'mild', idempotencyKey: rand(8) });
		for (const role of ['admin', 'reception'] as const) {
			expectError(await clients[role].get(`${base(id)}/allergies`), 403, 'forbidden');
			expectError(await clients[role].post(`${base(id)}/allergies`, body()), 403, 'forbidden');
			expectError(await clients[role].get(`${base(id)}/conditions`), 403, 'forbidden');
			expectError(await clients[role].get(`${base(id)}/medications`), 403, 'forbidden');
		}
		expectError(await clients.pharmacist.post(`${base(id)}/allergies`, body()), 403, 'forbidden');
		// Someone of another clinic learns nothing of this one's records.
		expectError(await clients.otherAdmin.get(`${base(id)}/allergies`), 404, 'not_found');
	});

	it('DELETE keeps the row and lists it no more; a second DELETE is 404', async () => {
		const id = await newPatient();
		const made = allergyView.parse(
			(await clients.doctor.post(`${base(id)}/allergies`, { substance: 'Latex', severity: 'mild', idempotencyKey: rand(8) })).body
		);
		expect((await clients.nurse.request('DELETE', `${base(id)}/allergies/${made.id}`)).status).toBe(204);
		expect((await clients.doctor.get(`${base(id)}/allergies`)).body).toEqual({ allergies: [] });
		expectError(await clients.doctor.request('DELETE', `${base(id)}/allergies/${made.id}`), 404, 'not_found');
		expectError(await clients.reception.request('DELETE', `${base(id)}/allergies/${made.id}`), 403, 'forbidden');
	});
});

describe('conditions and medications', () => {
	it('records a coded condition, refuses an unknown code, and resolves one', async () => {
		const id = await newPatient();
		const res = await clients.doctor.post(`${base(id)}/conditions`, { name: 'Type 2 diabetes', code: 'E11.9', since: '2019', idempotencyKey: rand(8) });
		expect(res.status, res.text).toBe(201);
		const condition = conditionView.strict().parse(res.body);
		expect(condition).toMatchObject({ code: 'E11.9', since: '2019' });
		const unknown = await clients.doctor.post(`${base(id)}/conditions`, { name: 'Odd', code: 'Z99.99', idempotencyKey: rand(8) });
		expect(unknown.status).toBe(400);
		expect(unknown.body).toMatchObject({ error: { field: 'code', fields: [{ field: 'code', code: 'icd10_code_unknown' }] } });
		expect((await clients.doctor.request('DELETE', `${base(id)}/conditions/${condition.id}`)).status).toBe(204);
		expect((await clients.doctor.get(`${base(id)}/conditions`)).body).toEqual({ conditions: [] });
	});

	it('records and stops a current medication', async () => {
		const id = await newPatient();
		const res = await clients.nurse.post(`${base(id)}/medications`, { name: 'Metformin', dose: '500 mg BD', idempotencyKey: rand(8) });
		expect(res.status, res.text).toBe(201);
		const med = medicationView.strict().parse(res.body);
		expect((await clients.pharmacist.get(`${base(id)}/medications`)).body).toEqual({ medications: [med] });
		expect((await clients.doctor.request('DELETE', `${base(id)}/medications/${med.id}`)).status).toBe(204);
		expect((await clients.doctor.get(`${base(id)}/medications`)).body).toEqual({ medications: [] });
	});

	it('sets and clears the blood group for clinicians only, refusing a group that does not exist', async () => {
		const id = await newPatient();
		const set = await clients.nurse.put(`${base(id)}/blood-group`, { bloodGroup: 'O-' });
		expect(set.status, set.text).toBe(200);
		expect(set.body).toEqual({ bloodGroup: 'O-' });
		expectError(await clients.doctor.put(`${base(id)}/blood-group`, { bloodGroup: 'C+' }), 400, 'field_invalid', 'bloodGroup');
		for (const role of ['admin', 'reception', 'pharmacist'] as const)
			expectError(await clients[role].put(`${base(id)}/blood-group`, { bloodGroup: 'A+' }), 403, 'forbidden');
		expectError(await clients.otherAdmin.put(`${base(id)}/blood-group`, { bloodGroup: 'A+' }), 404, 'not_found');
		expect((await clients.doctor.put(`${base(id)}/blood-group`, { bloodGroup: null })).body).toEqual({ bloodGroup: null });
	});
});
