import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember, makeUser } from '../factories';
import { accountLinkView, accountLinksView, linkCodeView, patientView } from '../../src/lib/server/openapi/patients';
import { LINK_ATTEMPTS } from '../../src/lib/server/patients/linkAttempts';

let app: App;
let clinicA: { id: string; code: string; name: string };
let clinicB: { id: string; code: string; name: string };
let reception: ApiClient, doctor: ApiClient, otherAdmin: ApiClient;
const patientEmails: string[] = [];

beforeAll(async () => {
	const people: Record<string, { email: string }> = {};
	app = await startApp({
		seed: async (db) => {
			clinicA = await makeClinic(db, { name: 'Al-Shifa Clinic' });
			clinicB = await makeClinic(db, { name: 'Bahria Family Clinic' });
			people.reception = await makeMember(db, clinicA.id, 'reception');
			people.doctor = await makeMember(db, clinicA.id, 'doctor');
			people.otherAdmin = await makeMember(db, clinicB.id, 'admin');
			for (let i = 0; i < 5; i++) patientEmails.push((await makeUser(db, { kind: 'patient' })).email);
		}
	});
	[reception, doctor, otherAdmin] = await Promise.all(['reception', 'doctor', 'otherAdmin'].map((k) => signedIn(app, people[k].email, PASSWORD)));
});
afterAll(async () => {
	await app?.stop();
});

const patients = (code: string) => `/api/v1/clinics/${code}/patients`;
const linkCode = (code: string, id: string) => `${patients(code)}/${id}/link-code`;
const accountLink = (code: string, id: string) => `${patients(code)}/${id}/account-link`;
let nextPatient = 0;
const patientClient = () => signedIn(app, patientEmails[nextPatient++], PASSWORD);

async function register(client: ApiClient, code: string) {
	const res = await client.post(patients(code), { name: 'Maryam Noor', age: 31, allowDuplicate: true });
	expect(res.status, res.text).toBe(201);
	return patientView.parse(res.body);
}

async function issue(client: ApiClient, code: string, id: string) {
	const res = await client.post(linkCode(code, id));
	expect(res.status, res.text).toBe(201);
	return linkCodeView.parse(res.body);
}

describe('POST /clinics/{code}/patients/{id}/link-code', () => {
	it('answers 201 with a readable code and its expiry a day ahead', async () => {
		const p = await register(reception, clinicA.code);
		const { code, expiresAt } = await issue(reception, clinicA.code, p.id);
		expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
		expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
	});

	it('refuses doctors (403), other clinics and unknown ids (404), unsigned callers (401)', async () => {
		const p = await register(reception, clinicA.code);
		expectError(await doctor.post(linkCode(clinicA.code, p.id)), 403, 'forbidden');
		expectError(await otherAdmin.post(linkCode(clinicA.code, p.id)), 404, 'not_found');
		expectError(await otherAdmin.post(linkCode(clinicB.code, p.id)), 404, 'not_found');
		expectError(await reception.post(linkCode(clinicA.code, 'not-a-uuid')), 404, 'not_found');
		expectError(await app.client().post(linkCode(clinicA.code, p.id)), 401, 'unauthenticated');
		expect((await reception.get(linkCode(clinicA.code, p.id))).status).toBe(405);
	});
});

describe('POST and GET /me/links', () => {
	it('links the patient’s account with the code (201), then lists the clinic; the code works once', async () => {
		const p = await register(reception, clinicA.code);
		const { code } = await issue(reception, clinicA.code, p.id);
		const phone = await patientClient();
		const before = accountLinksView.parse((await phone.get('/api/v1/me/links')).body);
		expect(before.links).toEqual([]);
		const res = await phone.post('/api/v1/me/links', { code: code.toLowerCase() });
		expect(res.status, res.text).toBe(201);
		expect(accountLinkView.parse(res.body)).toEqual({ patientId: p.id, clinicCode: clinicA.code, clinicName: 'Al-Shifa Clinic', patientRef: p.ref });
		expect(accountLinksView.parse((await phone.get('/api/v1/me/links')).body).links.map((l) => l.patientRef)).toEqual([p.ref]);
		const stranger = await patientClient();
		expectError(await stranger.post('/api/v1/me/links', { code }), 409, 'link_code_used', 'code');
		// Now linked, the desk cannot hand out another code for it.
		expectError(await reception.post(linkCode(clinicA.code, p.id)), 409, 'patient_already_linked');
	});

	it('answers wrong codes in the caller’s language, bad bodies with 400/415, staff with 403', async () => {
		const phone = await patientClient();
		expectError(await phone.post('/api/v1/me/links', { code: 'ZZZZ-ZZZZ' }), 400, 'link_code_invalid', 'code');
		const urdu = await phone.post('/api/v1/me/links', { code: 'ZZZZ-ZZZY' }, { headers: { 'accept-language': 'ur' } });
		expectError(urdu, 400, 'link_code_invalid');
		expect(urdu.text).toMatch(/[\u0600-\u06FF]/);
		expectError(await phone.post('/api/v1/me/links', {}), 400, 'field_required', 'code');
		expectError(await phone.post('/api/v1/me/links', { code: 12345678 }), 400, 'field_invalid', 'code');
		expectError(
			await phone.request('POST', '/api/v1/me/links', { body: '<code>ABCD</code>', headers: { 'content-type': 'application/xml' } }),
			415,
			'unsupported_media_type'
		);
		expectError(await reception.post('/api/v1/me/links', { code: 'ABCD-EFGH' }), 403, 'forbidden');
		expectError(await app.client().get('/api/v1/me/links'), 401, 'unauthenticated');
	});

	it(`answers 429 with Retry-After after ${LINK_ATTEMPTS} wrong codes`, async () => {
		const p = await register(reception, clinicA.code);
		const { code } = await issue(reception, clinicA.code, p.id);
		const guesser = await patientClient();
		for (let i = 0; i < LINK_ATTEMPTS; i++) {
			expectError(await guesser.post('/api/v1/me/links', { code: `WXYZ-23${'3456789'[i]}2` }), 400, 'link_code_invalid');
		}
		const blocked = await guesser.post('/api/v1/me/links', { code });
		expectError(blocked, 429, 'rate_limited');
		expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(accountLinksView.parse((await guesser.get('/api/v1/me/links')).body).links).toEqual([]);
	});
});

describe('DELETE /clinics/{code}/patients/{id}/account-link', () => {
	it('unlinks (204) for the desk only; the patient’s list no longer shows the clinic', async () => {
		const p = await register(reception, clinicA.code);
		const phone = await patientClient();
		expect((await phone.post('/api/v1/me/links', { code: (await issue(reception, clinicA.code, p.id)).code })).status).toBe(201);
		expectError(await doctor.request('DELETE', accountLink(clinicA.code, p.id)), 403, 'forbidden');
		expectError(await otherAdmin.request('DELETE', accountLink(clinicB.code, p.id)), 404, 'not_found');
		expect(accountLinksView.parse((await phone.get('/api/v1/me/links')).body).links).toHaveLength(1);
		expect((await reception.request('DELETE', accountLink(clinicA.code, p.id))).status).toBe(204);
		expect(accountLinksView.parse((await phone.get('/api/v1/me/links')).body).links).toEqual([]);
		expectError(await reception.request('DELETE', accountLink(clinicA.code, p.id)), 409, 'patient_not_linked');
	});
});
