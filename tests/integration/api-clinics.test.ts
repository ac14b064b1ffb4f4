import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCRIPT_INJECTION, SQL_INJECTION, expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, clinicCode, makeClinic, makeMember } from '../factories';
import { meView } from '../../src/lib/server/openapi/auth';
import { clinicView, membersView } from '../../src/lib/server/openapi/tenancy';

type Person = { id: string; email: string; name: string };
let app: App;
let home: { id: string; code: string };
let adminP: Person, doctorP: Person;
let admin: ApiClient, doctor: ApiClient;

beforeAll(async () => {
	app = await startApp({
		seed: async (db) => {
			home = await makeClinic(db);
			adminP = await makeMember(db, home.id, 'admin');
			doctorP = await makeMember(db, home.id, 'doctor');
		}
	});
	[admin, doctor] = await Promise.all([signedIn(app, adminP.email, PASSWORD), signedIn(app, doctorP.email, PASSWORD)]);
});
afterAll(async () => {
	await app?.stop();
});

const branch = (overrides: Record<string, unknown> = {}) => ({
	name: 'Shifa North',
	code: clinicCode(),
	country: 'PK',
	state: 'Punjab',
	city: 'Lahore',
	timezone: 'Asia/Karachi',
	currency: 'PKR',
	...overrides
});

async function membershipsOf(client: ApiClient) {
	return meView.parse((await client.get('/api/v1/me')).body).memberships;
}

describe('POST /api/v1/clinics', () => {
	it('creates a branch whose admin is the caller, under the clinic they administer', async () => {
		const body = branch();
		const res = await admin.post('/api/v1/clinics', body);
		expect(res.status).toBe(201);
		const created = clinicView.parse(res.body);
		expect(created).toMatchObject({ ...body, status: 'active', parentClinicId: home.id });
		expect(await membershipsOf(admin)).toContainEqual({ clinicId: created.id, clinicCode: body.code, clinicName: body.name, role: 'admin' });
		const staff = membersView.parse((await admin.get(`/api/v1/clinics/${body.code}/members`)).body).members;
		expect(staff.map((m) => [m.userId, m.role])).toEqual([[adminP.id, 'admin']]);
	});

	it('normalizes what people type: the code and country in capitals, spaces trimmed', async () => {
		const code = clinicCode();
		const res = await admin.post('/api/v1/clinics', branch({ code: ` ${code.toLowerCase()} `, country: 'pk', currency: 'pkr', name: '  Shifa East  ' }));
		expect(clinicView.parse(res.body)).toMatchObject({ code, country: 'PK', currency: 'PKR', name: 'Shifa East' });
	});

	it('stores markup and SQL in the name, state and city as typed and returns them unchanged', async () => {
		const body = branch({ name: SCRIPT_INJECTION, state: SQL_INJECTION, city: `${SCRIPT_INJECTION}${SQL_INJECTION}` });
		const created = clinicView.parse((await admin.post('/api/v1/clinics', body)).body);
		expect(created).toMatchObject({ name: body.name, state: body.state, city: body.city });
		expect((await membershipsOf(admin)).find((m) => m.clinicId === created.id)?.clinicName).toBe(SCRIPT_INJECTION);
	});

	it('ignores fields the caller may not set: status, id, parent', async () => {
		const body = {
			...branch(),
			status: 'suspended',
			id: '00000000-0000-4000-8000-000000000000',
			parentClinicId: '00000000-0000-4000-8000-000000000001',
			require2fa: true
		};
		const created = clinicView.parse((await admin.post('/api/v1/clinics', body)).body);
		expect(created).toMatchObject({ status: 'active', parentClinicId: home.id });
		expect(created.id).not.toBe(body.id);
	});

	it('answers a taken code (in any case) with 409 clinic_code_taken and creates nothing', async () => {
		const before = await membershipsOf(admin);
		expectError(await admin.post('/api/v1/clinics', branch({ code: home.code })), 409, 'clinic_code_taken', 'code');
		expectError(await admin.post('/api/v1/clinics', branch({ code: home.code.toLowerCase() })), 409, 'clinic_code_taken', 'code');
		expect(await membershipsOf(admin)).toEqual(before);
	});

	it('refuses a doctor with 403 and an anonymous caller with 401; nothing is created', async () => {
		const body = branch();
		expectError(await doctor.post('/api/v1/clinics', body), 403, 'forbidden');
		expectError(await app.client().post('/api/v1/clinics', body), 401, 'unauthenticated');
		expect(await membershipsOf(doctor)).toHaveLength(1);
		// The code is still free, so neither refused call created the clinic.
		expect((await admin.post('/api/v1/clinics', body)).status).toBe(201);
	});

	it.each([
		['no name', { name: undefined }, 'field_required', 'name'],
		['a blank name', { name: '   ' }, 'field_required', 'name'],
		['no code', { code: undefined }, 'field_required', 'code'],
		['SQL as code', { code: SQL_INJECTION }, 'field_too_long', 'code'],
		['a script as code', { code: SCRIPT_INJECTION }, 'field_too_long', 'code'],
		['a short SQL fragment as code', { code: "A'1;--" }, 'field_invalid', 'code'],
		['a two-letter code', { code: 'AB' }, 'field_too_short', 'code'],
		['a nine-letter code', { code: 'ABCDEFGHI' }, 'field_too_long', 'code'],
		['a country name', { country: 'Pakistan' }, 'field_invalid', 'country'],
		['SQL as country', { country: SQL_INJECTION }, 'field_invalid', 'country'],
		['an unknown time zone', { timezone: 'Mars/Olympus' }, 'field_invalid', 'timezone'],
		['SQL as time zone', { timezone: SQL_INJECTION }, 'field_invalid', 'timezone'],
		['a script as currency', { currency: SCRIPT_INJECTION }, 'field_invalid', 'currency'],
		['an oversized name', { name: 'n'.repeat(121) }, 'field_too_long', 'name'],
		['an oversized state', { state: 's'.repeat(121) }, 'field_too_long', 'state'],
		['a number as city', { city: 42 }, 'field_invalid', 'city'],
		['an object as name', { name: { toString: 'x' } }, 'field_invalid', 'name'],
		['control characters in the city', { city: 'La\u0007hore' }, 'field_invalid', 'city']
	])('refuses %s with 400 and creates nothing', async (_case, overrides, code, field) => {
		const before = await membershipsOf(admin);
		const body = branch(overrides);
		expectError(await admin.post('/api/v1/clinics', body), 400, code, field);
		expect(await membershipsOf(admin)).toEqual(before);
	});

	it('refuses a body that is not an object', async () => {
		for (const body of [[], 'clinic', 42, null]) expectError(await admin.post('/api/v1/clinics', body), 400, 'field_invalid');
	});
});
