import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64 } from '@oslojs/encoding';
import { expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { freshTotp } from '../totp';
import { PASSWORD, makeClinic, makeMember } from '../factories';
import { generateTotpKey } from '../../src/lib/server/auth/totp';

type Person = { id: string; email: string };
let app: App;
let clinicA: { id: string; code: string };
let adminA: Person, doctorA: Person, plainA: Person, adminB: Person;
let doctorKey = '';
let admin: ApiClient, doctor: ApiClient, otherAdmin: ApiClient;

beforeAll(async () => {
	doctorKey = generateTotpKey();
	app = await startApp({
		seed: async (db) => {
			clinicA = await makeClinic(db);
			const clinicB = await makeClinic(db);
			adminA = await makeMember(db, clinicA.id, 'admin');
			doctorA = await makeMember(db, clinicA.id, 'doctor', { totpKey: doctorKey });
			plainA = await makeMember(db, clinicA.id, 'reception');
			adminB = await makeMember(db, clinicB.id, 'admin');
		}
	});
	[admin, otherAdmin] = await Promise.all([adminA, adminB].map((p) => signedIn(app, p.email, PASSWORD)));
	doctor = app.client();
	const login = await doctor.post('/api/v1/auth/login', { email: doctorA.email, password: PASSWORD, totp: await freshTotp(decodeBase64(doctorKey)) });
	expect(login.status, login.text).toBe(200);
});
afterAll(async () => {
	await app?.stop();
});

const twoFactor = (code: string, userId: string) => `/api/v1/clinics/${code}/members/${userId}/two-factor`;

describe('DELETE /clinics/{code}/members/{userId}/two-factor', () => {
	it('refuses other roles (403), other clinics and unknown ids (404), the admin’s own (403), unsigned callers (401), other methods (405)', async () => {
		expectError(await doctor.request('DELETE', twoFactor(clinicA.code, doctorA.id)), 403, 'forbidden');
		expectError(await otherAdmin.request('DELETE', twoFactor(clinicA.code, doctorA.id)), 404, 'not_found');
		expectError(await admin.request('DELETE', twoFactor(clinicA.code, 'not-a-uuid')), 404, 'not_found');
		const own = await admin.request('DELETE', twoFactor(clinicA.code, adminA.id), { headers: { 'accept-language': 'ur' } });
		expectError(own, 403, 'own_two_factor_reset');
		expect(own.text).toMatch(/[\u0600-\u06FF]/);
		expectError(await app.client().request('DELETE', twoFactor(clinicA.code, doctorA.id)), 401, 'unauthenticated');
		expect((await admin.post(twoFactor(clinicA.code, doctorA.id))).status).toBe(405);
		expectError(await admin.request('DELETE', twoFactor(clinicA.code, plainA.id)), 409, 'two_factor_off');
		// The doctor still has their session and their second factor.
		expect((await doctor.get('/api/v1/me')).status).toBe(200);
	});

	it('turns the member’s 2FA off (204) and ends their sessions; they sign in with the password alone; a second reset answers 409', async () => {
		expect((await admin.request('DELETE', twoFactor(clinicA.code, doctorA.id))).status).toBe(204);
		expectError(await doctor.get('/api/v1/me'), 401, 'unauthenticated');
		const again = await app.client().post('/api/v1/auth/login', { email: doctorA.email, password: PASSWORD });
		expect(again.status, again.text).toBe(200);
		expectError(await admin.request('DELETE', twoFactor(clinicA.code, doctorA.id)), 409, 'two_factor_off');
	});
});
