import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCRIPT_INJECTION, SQL_INJECTION, errorOf, expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember, rand } from '../factories';
import { duplicateView, mergeView, patientView, patientsView } from '../../src/lib/server/openapi/patients';

let app: App;
let clinicA: { id: string; code: string };
let clinicB: { id: string; code: string };
let reception: ApiClient, doctor: ApiClient, pharmacist: ApiClient, otherAdmin: ApiClient;

beforeAll(async () => {
	const people: Record<string, { email: string }> = {};
	app = await startApp({
		seed: async (db) => {
			clinicA = await makeClinic(db);
			clinicB = await makeClinic(db);
			people.reception = await makeMember(db, clinicA.id, 'reception');
			people.doctor = await makeMember(db, clinicA.id, 'doctor');
			people.pharmacist = await makeMember(db, clinicA.id, 'pharmacist');
			people.otherAdmin = await makeMember(db, clinicB.id, 'admin');
		}
	});
	[reception, doctor, pharmacist, otherAdmin] = await Promise.all(
		['reception', 'doctor', 'pharmacist', 'otherAdmin'].map((k) => signedIn(app, people[k].email, PASSWORD))
	);
});
afterAll(async () => {
	await app?.stop();
});

const patients = (code: string) => `/api/v1/clinics/${code}/patients`;
const one = (code: string, id: string) => `${patients(code)}/${id}`;
const uniquePhone = () => `0300${String(Math.floor(1_000_000 + Math.random() * 8_999_999))}`;

async function register(client: ApiClient, body: Record<string, unknown>, code = clinicA.code) {
	const res = await client.post(patients(code), { allowDuplicate: true, ...body });
	expect(res.status, res.text).toBe(201);
	return patientView.parse(res.body);
}

describe('POST /api/v1/clinics/{code}/patients', () => {
	it('registers with a clinic reference and an E.164 phone', async () => {
		const created = await register(reception, {
			name: 'Fatima Bibi',
			phone: '0300 1234567',
			sex: 'female',
			dateOfBirth: '1990-04-12',
			allergies: 'Penicillin'
		});
		expect(created.ref).toMatch(new RegExp(`^${clinicA.code}-P\\d+$`));
		expect(created).toMatchObject({
			phone: '+923001234567',
			sex: 'female',
			dateOfBirth: '1990-04-12',
			dobEstimated: false,
			allergies: 'Penicillin',
			mergedIntoId: null
		});
	});

	it('answers 409 possible_duplicate with the candidates, then 201 with allowDuplicate', async () => {
		const phone = uniquePhone();
		const first = await register(reception, { name: 'Zainab Hussain', phone });
		const again = await reception.post(patients(clinicA.code), { name: 'Zainab Husain', phone });
		expectError(again, 409, 'possible_duplicate');
		const body = duplicateView.parse(again.body);
		expect(body.candidates.map((c) => c.id)).toEqual([first.id]);
		expect(body.candidates[0]).toMatchObject({ ref: first.ref, name: 'Zainab Hussain' });
		const confirmed = await reception.post(patients(clinicA.code), { name: 'Zainab Husain', phone, allowDuplicate: true });
		expect(confirmed.status).toBe(201);
		expect(patientView.parse(confirmed.body).id).not.toBe(first.id);
	});

	it('registers once for a retried idempotency key', async () => {
		const key = `retry-${rand()}`;
		const body = { name: 'Retry Once', phone: uniquePhone(), idempotencyKey: key };
		const [a, b] = [await reception.post(patients(clinicA.code), body), await reception.post(patients(clinicA.code), body)];
		expect([a.status, b.status]).toEqual([201, 201]);
		expect(patientView.parse(b.body).id).toBe(patientView.parse(a.body).id);
	});

	it('stores markup and SQL as typed', async () => {
		for (const name of [SCRIPT_INJECTION, SQL_INJECTION]) {
			const created = await register(doctor, { name, address: name, allergies: name });
			const fetched = patientView.parse((await doctor.get(one(clinicA.code, created.id))).body);
			expect([fetched.name, fetched.address, fetched.allergies]).toEqual([name, name, name]);
		}
	});

	it.each([
		['no name', { phone: '03001234567' }, 'field_required', 'name'],
		['an empty name', { name: '  ' }, 'field_required', 'name'],
		['an oversized name', { name: 'n'.repeat(121) }, 'field_too_long', 'name'],
		['a bad phone', { name: 'N', phone: '12' }, 'field_invalid', 'phone'],
		['SQL as phone', { name: 'N', phone: "' OR 1=1 --" }, 'field_invalid', 'phone'],
		['an oversized phone', { name: 'N', phone: SQL_INJECTION }, 'field_too_long', 'phone'],
		['a future birth date', { name: 'N', dateOfBirth: '2999-01-01' }, 'field_invalid', 'dateOfBirth'],
		['a malformed birth date', { name: 'N', dateOfBirth: '12/04/1990' }, 'field_invalid', 'dateOfBirth'],
		['a negative age', { name: 'N', age: -1 }, 'field_too_small', 'age'],
		['a made-up sex', { name: 'N', sex: SCRIPT_INJECTION }, 'field_invalid', 'sex'],
		['a bad email', { name: 'N', email: SQL_INJECTION }, 'field_invalid', 'email'],
		['an unknown language', { name: 'N', preferredLanguage: 'fr' }, 'field_invalid', 'preferredLanguage'],
		['a number as name', { name: 42 }, 'field_invalid', 'name'],
		['a string as allowDuplicate', { name: 'N', allowDuplicate: 'yes' }, 'field_invalid', 'allowDuplicate'],
		['an unknown field', { name: 'N', clinicId: '00000000-0000-0000-0000-000000000000' }, 'invalid_input', undefined]
	])('refuses %s with 400', async (_what, body, code, field) => {
		const res = await reception.post(patients(clinicA.code), body);
		expect(res.status).toBe(400);
		if (code !== 'invalid_input') expectError(res, 400, code, field);
	});

	it('names all four bad fields at once, each with its own code and sentence, the first one at the top', async () => {
		const body = { name: 'Four Problems', dateOfBirth: '2099-01-01', age: 500, phone: 'abc', email: 'bad@' };
		const res = await reception.post(patients(clinicA.code), body);
		expectError(res, 400, 'field_invalid', 'dateOfBirth');
		expect(errorOf(res)).toEqual({
			code: 'field_invalid',
			field: 'dateOfBirth',
			message: 'The birth date cannot be in the future.',
			fields: [
				{ field: 'dateOfBirth', code: 'birth_date_in_future', message: 'The birth date cannot be in the future.' },
				{ field: 'age', code: 'age_out_of_range', message: 'Age must be a whole number from 0 to 125.' },
				{ field: 'phone', code: 'phone_invalid', message: 'Enter a phone number with digits, e.g. 0300 1234567.' },
				{ field: 'email', code: 'email_invalid', message: 'Enter an email address like name@example.com.' }
			]
		});

		const urdu = errorOf(await reception.post(patients(clinicA.code), body, { headers: { 'accept-language': 'ur' } }));
		expect(urdu.fields?.map((f) => f.code)).toEqual(['birth_date_in_future', 'age_out_of_range', 'phone_invalid', 'email_invalid']);
		for (const f of urdu.fields ?? []) expect(f.message).toMatch(/[\u0600-\u06FF]/);
		expect(urdu.message).toBe(urdu.fields?.[0].message);

		// Nothing was registered, and a correction is refused the same way.
		expect(((await reception.get(`${patients(clinicA.code)}?q=Four+Problems`)).body as { patients: unknown[] }).patients).toEqual([]);
		const existing = await register(reception, { name: 'One Problem' });
		const patch = errorOf(await reception.patch(one(clinicA.code, existing.id), { age: 'forty', email: 'x@' }));
		expect(patch.fields?.map((f) => [f.field, f.code])).toEqual([
			['age', 'age_out_of_range'],
			['email', 'email_invalid']
		]);
	});

	it('answers a refusal about no field with an empty list of fields', async () => {
		const res = await pharmacist.post(patients(clinicA.code), { name: 'Not Allowed' });
		expect(errorOf(res)).toEqual({ code: 'forbidden', message: expect.stringMatching(/\S/), fields: [] });
	});

	it('refuses a JSON array, malformed JSON and a form post', async () => {
		expect((await reception.post(patients(clinicA.code), [{ name: 'N' }])).status).toBe(400);
		expectError(
			await reception.request('POST', patients(clinicA.code), { body: '{"name":', headers: { 'content-type': 'application/json' } }),
			400,
			'invalid_json'
		);
		expect((await reception.request('POST', patients(clinicA.code), { body: '<name>N</name>', headers: { 'content-type': 'application/xml' } })).status).toBe(
			415
		);
	});

	it('lets a pharmacist look but not register', async () => {
		expectError(await pharmacist.post(patients(clinicA.code), { name: 'Not Allowed' }), 403, 'forbidden');
		expect((await pharmacist.get(patients(clinicA.code))).status).toBe(200);
	});
});

describe('GET /api/v1/clinics/{code}/patients', () => {
	it('finds by misspelt name, phone digits and reference, only in the own clinic', async () => {
		const unique = `Qasim${rand(3).replace(/\d/g, (d) => String.fromCharCode(103 + Number(d)))}`;
		const created = await register(reception, { name: `Muhammad ${unique} Khan`, phone: '0333 7654321' });
		await register(otherAdmin, { name: `Muhammad ${unique} Khan` }, clinicB.code);
		const search = async (q: string) => patientsView.parse((await doctor.get(`${patients(clinicA.code)}?q=${encodeURIComponent(q)}`)).body).patients;
		expect((await search(`Mohammad ${unique} Kahn`)).map((p) => p.id)).toEqual([created.id]);
		expect((await search('7654321')).map((p) => p.id)).toContain(created.id);
		expect((await search(created.ref))[0].id).toBe(created.id);
		// Only a record really named so (another test stores one) may match: the text is data, never SQL.
		expect((await search(SQL_INJECTION)).every((p) => p.name === SQL_INJECTION)).toBe(true);
		expect(await search("%' OR 1=1 --")).toEqual([]);
	});

	it('refuses a query over 100 characters and a bad limit', async () => {
		expectError(await doctor.get(`${patients(clinicA.code)}?q=${'a'.repeat(101)}`), 400, 'field_too_long', 'q');
		expectError(await doctor.get(`${patients(clinicA.code)}?limit=0`), 400, 'field_too_small', 'limit');
		expectError(await doctor.get(`${patients(clinicA.code)}?limit=lots`), 400, 'field_invalid', 'limit');
	});

	it('answers another clinic’s code like an unknown one, and 401 without a session', async () => {
		const other = await reception.get(patients(clinicB.code));
		expectError(other, 404, 'not_found');
		expect(other.body).toEqual((await reception.get(patients('ZZZ999'))).body);
		expectError(await app.client().get(patients(clinicA.code)), 401, 'unauthenticated');
	});
});

describe('GET and PATCH /api/v1/clinics/{code}/patients/{id}', () => {
	it('corrects only the fields sent, and empties an optional one with null', async () => {
		const created = await register(reception, { name: 'Hassan Ali', allergies: 'Dust', email: 'hassan@example.test', age: 40 });
		const res = await doctor.patch(one(clinicA.code, created.id), { phone: '+92 300 1112223', email: null });
		expect(res.status, res.text).toBe(200);
		expect(patientView.parse(res.body)).toMatchObject({
			phone: '+923001112223',
			email: null,
			allergies: 'Dust',
			dobEstimated: true,
			dateOfBirth: created.dateOfBirth
		});
		expect(patientView.parse((await doctor.get(one(clinicA.code, created.id))).body).phone).toBe('+923001112223');
	});

	it('refuses bad corrections, changing nothing', async () => {
		const created = await register(reception, { name: 'Unchanged Person', phone: uniquePhone() });
		expectError(await reception.patch(one(clinicA.code, created.id), { name: '' }), 400, 'field_required', 'name');
		expectError(await reception.patch(one(clinicA.code, created.id), { phone: 'call me' }), 400, 'field_invalid', 'phone');
		expectError(await reception.patch(one(clinicA.code, created.id), { name: null }), 400, 'field_invalid', 'name');
		expect((await reception.patch(one(clinicA.code, created.id), { refNo: 1 })).status).toBe(400);
		expectError(await pharmacist.patch(one(clinicA.code, created.id), { name: 'X' }), 403, 'forbidden');
		expect(patientView.parse((await reception.get(one(clinicA.code, created.id))).body)).toEqual(created);
	});

	it('answers 404 across clinics and for ids that cannot exist', async () => {
		const created = await register(reception, { name: 'Private Person' });
		expectError(await otherAdmin.get(one(clinicB.code, created.id)), 404, 'not_found');
		expectError(await otherAdmin.patch(one(clinicB.code, created.id), { name: 'Stolen' }), 404, 'not_found');
		expectError(await otherAdmin.get(one(clinicA.code, created.id)), 404, 'not_found');
		expectError(await reception.get(one(clinicA.code, encodeURIComponent(SQL_INJECTION))), 404, 'not_found');
		expectError(await reception.get(one(clinicA.code, '00000000-0000-4000-8000-000000000000')), 404, 'not_found');
		expect(patientView.parse((await reception.get(one(clinicA.code, created.id))).body).name).toBe('Private Person');
	});
});

describe('POST /api/v1/clinics/{code}/patients/{id}/merge', () => {
	it('merges a duplicate into the survivor, which keeps its reference', async () => {
		const survivor = await register(reception, { name: 'Omar Farooq', allergies: 'Sulfa' });
		const duplicate = await register(reception, { name: 'Omer Farooq', phone: uniquePhone(), allergies: 'Latex' });
		const res = await reception.post(`${one(clinicA.code, survivor.id)}/merge`, { mergeId: duplicate.id, reason: 'same person' });
		expect(res.status, res.text).toBe(200);
		expect(mergeView.parse(res.body)).toMatchObject({ survivorId: survivor.id, mergedId: duplicate.id });
		const after = patientView.parse((await reception.get(one(clinicA.code, survivor.id))).body);
		expect(after).toMatchObject({ ref: survivor.ref, phone: duplicate.phone, allergies: 'Sulfa\nLatex' });
		expect(patientView.parse((await reception.get(one(clinicA.code, duplicate.id))).body).mergedIntoId).toBe(survivor.id);
		expectError(await reception.post(`${one(clinicA.code, survivor.id)}/merge`, { mergeId: duplicate.id }), 409, 'conflict');
		expectError(await reception.patch(one(clinicA.code, duplicate.id), { name: 'Too late' }), 409, 'conflict');
	});

	it('refuses bad merges: itself, a non-id, another clinic’s record, a doctor', async () => {
		const a = await register(reception, { name: 'Merge A' });
		const b = await register(otherAdmin, { name: 'Merge B' }, clinicB.code);
		expectError(await reception.post(`${one(clinicA.code, a.id)}/merge`, { mergeId: a.id }), 400, 'invalid_input', 'mergeId');
		expectError(await reception.post(`${one(clinicA.code, a.id)}/merge`, { mergeId: SQL_INJECTION }), 400, 'field_invalid', 'mergeId');
		expectError(await reception.post(`${one(clinicA.code, a.id)}/merge`, {}), 400, 'field_required', 'mergeId');
		expectError(await reception.post(`${one(clinicA.code, a.id)}/merge`, { mergeId: b.id }), 404, 'not_found');
		expectError(await otherAdmin.post(`${one(clinicB.code, b.id)}/merge`, { mergeId: a.id }), 404, 'not_found');
		const c = await register(reception, { name: 'Merge C' });
		expectError(await doctor.post(`${one(clinicA.code, a.id)}/merge`, { mergeId: c.id }), 403, 'forbidden');
		expect(patientView.parse((await reception.get(one(clinicA.code, c.id))).body).mergedIntoId).toBeNull();
	});

	it('answers 405 with Allow for other methods', async () => {
		const res = await reception.request('DELETE', patients(clinicA.code));
		expectError(res, 405, 'method_not_allowed');
		expect(res.headers.get('allow')).toBe('GET, POST');
	});
});
