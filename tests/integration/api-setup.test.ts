import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCRIPT_INJECTION, SQL_INJECTION, expectError, signedIn, startApp, type App } from './http';
import { setupView } from '../../src/lib/server/openapi/tenancy';
import { meView } from '../../src/lib/server/openapi/auth';

let app: App;
beforeAll(async () => {
	app = await startApp();
});
afterAll(async () => {
	await app?.stop();
});

const PASSWORD = 'admin password 1';

const clinicName = (n: number) => `${SCRIPT_INJECTION} Clinic ${n}`;
const adminName = (n: number) => `${SQL_INJECTION} ${n}`;

function setupBody(n: number) {
	return {
		// Names are free text: markup and SQL in them must be stored as typed and come back unchanged.
		clinic: { name: clinicName(n), code: `SET0${n}`, country: 'PK', state: SQL_INJECTION, city: 'Lahore', timezone: 'Asia/Karachi', currency: 'PKR' },
		admin: { name: adminName(n), email: `admin${n}@setup.test`, password: PASSWORD }
	};
}

type SetupBody = ReturnType<typeof setupBody>;
const withClinic = (patch: Record<string, unknown>) => {
	const body = setupBody(0);
	return { ...body, clinic: { ...body.clinic, ...patch } };
};
const withAdmin = (patch: Record<string, unknown>) => {
	const body = setupBody(0);
	return { ...body, admin: { ...body.admin, ...patch } };
};
const without = (body: SetupBody, part: 'clinic' | 'admin', key: string) => {
	const copy = structuredClone(body);
	Reflect.deleteProperty(copy[part], key);
	return copy;
};

describe('POST /api/v1/setup', () => {
	it.each([
		['no clinic', { admin: setupBody(0).admin }, 'field_required', 'clinic'],
		['no admin email', without(setupBody(0), 'admin', 'email'), 'field_required', 'admin.email'],
		['no clinic code', without(setupBody(0), 'clinic', 'code'), 'field_required', 'clinic.code'],
		['an empty clinic name', withClinic({ name: '   ' }), 'field_required', 'clinic.name'],
		['SQL in the clinic code', withClinic({ code: SQL_INJECTION }), 'field_too_long', 'clinic.code'],
		['a script in the clinic code', withClinic({ code: SCRIPT_INJECTION }), 'field_too_long', 'clinic.code'],
		['a short SQL fragment as the clinic code', withClinic({ code: "A'--" }), 'field_invalid', 'clinic.code'],
		['a short tag as the clinic code', withClinic({ code: '<b>' }), 'field_invalid', 'clinic.code'],
		['SQL in the country', withClinic({ country: SQL_INJECTION }), 'field_invalid', 'clinic.country'],
		['a script in the time zone', withClinic({ timezone: SCRIPT_INJECTION }), 'field_invalid', 'clinic.timezone'],
		['SQL in the currency', withClinic({ currency: SQL_INJECTION }), 'field_invalid', 'clinic.currency'],
		['SQL in the admin email', withAdmin({ email: SQL_INJECTION }), 'field_invalid', 'admin.email'],
		['a script in the admin email', withAdmin({ email: `${SCRIPT_INJECTION}@x.test` }), 'field_invalid', 'admin.email'],
		['an oversized clinic name', withClinic({ name: 'x'.repeat(121) }), 'field_too_long', 'clinic.name'],
		['an oversized city', withClinic({ city: 'x'.repeat(121) }), 'field_too_long', 'clinic.city'],
		['an oversized admin name', withAdmin({ name: 'x'.repeat(121) }), 'field_too_long', 'admin.name'],
		['an oversized password', withAdmin({ password: 'x'.repeat(201) }), 'field_too_long', 'admin.password'],
		['a short password', withAdmin({ password: 'short' }), 'field_too_short', 'admin.password'],
		['a number for a name', withAdmin({ name: 123 }), 'field_invalid', 'admin.name'],
		['a string for the clinic', { ...setupBody(0), clinic: 'SHF01' }, 'field_invalid', 'clinic'],
		['an array body', [setupBody(0)], 'field_invalid', undefined],
		['a null body', null, 'field_invalid', undefined]
	])('refuses %s with 400 and sets nothing up', async (_case, body, code, field) => {
		expectError(await app.client().post('/api/v1/setup', body), 400, code, field);
	});

	it('refuses malformed JSON, a wrong content type and an oversized body', async () => {
		const client = app.client();
		expectError(await client.post('/api/v1/setup', undefined, { body: '{"clinic": ', headers: { 'content-type': 'application/json' } }), 400, 'invalid_json');
		expectError(
			await client.post('/api/v1/setup', undefined, { body: JSON.stringify(setupBody(0)), headers: { 'content-type': 'text/xml' } }),
			415,
			'unsupported_media_type'
		);
		const huge = { ...setupBody(0), padding: 'x'.repeat(70_000) };
		expectError(await client.post('/api/v1/setup', huge), 413, 'payload_too_large');
	});

	it('after refused calls, nothing exists: no admin can sign in', async () => {
		const res = await app.client().post('/api/v1/auth/login', { email: 'admin0@setup.test', password: PASSWORD });
		expectError(res, 401, 'invalid_credentials');
	});

	it('lets exactly one of several simultaneous setups win (201), the rest get 409 already_setup', async () => {
		const results = await Promise.all([1, 2, 3, 4].map((n) => app.client().post('/api/v1/setup', setupBody(n))));
		const winners = results.filter((r) => r.status === 201);
		expect(winners).toHaveLength(1);
		for (const loser of results.filter((r) => r.status !== 201)) expectError(loser, 409, 'already_setup');
		const won = setupView.parse(winners[0].body);
		const n = Number(won.clinic.code.slice(-1));
		expect(won).toMatchObject({ clinic: { code: `SET0${n}`, name: clinicName(n) }, admin: { email: `admin${n}@setup.test`, name: adminName(n) } });

		const admin = await signedIn(app, `admin${n}@setup.test`, PASSWORD);
		const me = meView.parse((await admin.get('/api/v1/me')).body);
		expect(me.user).toEqual(won.admin);
		expect(me.memberships).toEqual([{ clinicId: won.clinic.id, clinicCode: `SET0${n}`, clinicName: clinicName(n), role: 'admin' }]);
		for (const loser of [1, 2, 3, 4].filter((k) => k !== n)) {
			expectError(await app.client().post('/api/v1/auth/login', { email: `admin${loser}@setup.test`, password: PASSWORD }), 401, 'invalid_credentials');
		}
	});

	it('answers 409 already_setup to every later call, and a later admin cannot sign in', async () => {
		expectError(await app.client().post('/api/v1/setup', setupBody(9)), 409, 'already_setup');
		expectError(await app.client().post('/api/v1/auth/login', { email: 'admin9@setup.test', password: PASSWORD }), 401, 'invalid_credentials');
	});
});
