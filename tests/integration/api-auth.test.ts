import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTOTP } from '@oslojs/otp';
import { decodeBase64 } from '@oslojs/encoding';
import { SCRIPT_INJECTION, SQL_INJECTION, errorOf, expectError, signedIn, startApp, type App } from './http';
import { PASSWORD, makeClinic, makeMember } from '../factories';
import { generateTotpKey } from '../../src/lib/server/auth/totp';
import { loginView, meView } from '../../src/lib/server/openapi/auth';

type Person = { id: string; email: string; name: string };
let app: App;
let clinic: { id: string; code: string; name: string };
let admin: Person;
let doctor: Person;
let twoFactor: Person & { totpKey: string };

beforeAll(async () => {
	// SECURE_COOKIES=true is what production over HTTPS does; it lets this file check the cookie's Secure flag.
	app = await startApp({
		env: { SECURE_COOKIES: 'true' },
		seed: async (db) => {
			clinic = await makeClinic(db);
			admin = await makeMember(db, clinic.id, 'admin');
			doctor = await makeMember(db, clinic.id, 'doctor');
			const totpKey = generateTotpKey();
			twoFactor = { ...(await makeMember(db, clinic.id, 'reception', { totpKey })), totpKey };
		}
	});
});
afterAll(async () => {
	await app?.stop();
});

const currentCode = (key: string) => generateTOTP(decodeBase64(key), 30, 6);

describe('POST /api/v1/auth/login', () => {
	it('signs in: the user, a token, and the same token as an httpOnly, SameSite=Lax, Secure session cookie', async () => {
		const client = app.client();
		const res = await client.post('/api/v1/auth/login', { email: admin.email, password: PASSWORD });
		expect(res.status).toBe(200);
		const body = loginView.parse(res.body);
		expect(body.user).toEqual({ id: admin.id, email: admin.email, name: admin.name });
		expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
		const cookie = client.lastSetCookies.find((c) => c.startsWith('session='));
		expect(cookie).toBeDefined();
		expect(cookie).toContain(`session=${body.token};`);
		expect(cookie).toMatch(/; HttpOnly/i);
		expect(cookie).toMatch(/; SameSite=Lax/i);
		expect(cookie).toMatch(/; Secure/i);
		expect(cookie).toMatch(/; Path=\//i);
	});

	it('matches the email case-insensitively and ignores surrounding spaces', async () => {
		const res = await app.client().post('/api/v1/auth/login', { email: `  ${admin.email.toUpperCase()} `, password: PASSWORD });
		expect(res.status).toBe(200);
	});

	it('answers a wrong password and an unknown email alike: 401 invalid_credentials, no cookie', async () => {
		const client = app.client();
		const wrong = await client.post('/api/v1/auth/login', { email: admin.email, password: 'not the password' });
		expectError(wrong, 401, 'invalid_credentials');
		expect(client.cookies.has('session')).toBe(false);
		const unknown = await client.post('/api/v1/auth/login', { email: 'nobody@nowhere.test', password: 'not the password' });
		expectError(unknown, 401, 'invalid_credentials');
		expect(errorOf(unknown).message).toBe(errorOf(wrong).message);
	});

	it('asks a 2FA account for its code: totp_required without one, totp_invalid for a wrong one, 200 with the right one', async () => {
		const client = app.client();
		const missing = await client.post('/api/v1/auth/login', { email: twoFactor.email, password: PASSWORD });
		expectError(missing, 401, 'totp_required', 'totp');
		expect(client.cookies.has('session')).toBe(false);
		const wrongCode = currentCode(twoFactor.totpKey) === '000000' ? '111111' : '000000';
		expectError(await client.post('/api/v1/auth/login', { email: twoFactor.email, password: PASSWORD, totp: wrongCode }), 401, 'totp_invalid', 'totp');
		expect(client.cookies.has('session')).toBe(false);
		const ok = await client.post('/api/v1/auth/login', { email: twoFactor.email, password: PASSWORD, totp: currentCode(twoFactor.totpKey) });
		expect(ok.status).toBe(200);
		expect(meView.parse((await client.get('/api/v1/me')).body).user.id).toBe(twoFactor.id);
	});

	it('never lets a wrong password through on the strength of a right TOTP code', async () => {
		const res = await app.client().post('/api/v1/auth/login', { email: twoFactor.email, password: 'wrong password', totp: currentCode(twoFactor.totpKey) });
		expectError(res, 401, 'invalid_credentials');
	});

	it.each([
		['no email', { password: PASSWORD }, 400, 'field_required', 'email'],
		['an empty email', { email: '', password: PASSWORD }, 400, 'field_required', 'email'],
		['no password', { email: 'a@b.test' }, 400, 'field_required', 'password'],
		['a number as email', { email: 42, password: PASSWORD }, 400, 'field_invalid', 'email'],
		['an object as password', { email: 'a@b.test', password: { $ne: null } }, 400, 'field_invalid', 'password'],
		['an oversized email', { email: `${'x'.repeat(250)}@b.test`, password: PASSWORD }, 400, 'field_too_long', 'email'],
		['an oversized password', { email: 'a@b.test', password: 'x'.repeat(201) }, 400, 'field_too_long', 'password'],
		['an oversized TOTP code', { email: 'a@b.test', password: PASSWORD, totp: SQL_INJECTION }, 400, 'field_too_long', 'totp'],
		['a script as TOTP code', { email: 'a@b.test', password: PASSWORD, totp: SCRIPT_INJECTION }, 400, 'field_too_long', 'totp'],
		['SQL as email', { email: SQL_INJECTION, password: PASSWORD }, 401, 'invalid_credentials', undefined],
		['a script as email', { email: SCRIPT_INJECTION, password: PASSWORD }, 401, 'invalid_credentials', undefined]
	])('refuses %s', async (_case, body, status, code, field) => {
		const client = app.client();
		expectError(await client.post('/api/v1/auth/login', body), status, code, field);
		expect(client.cookies.has('session')).toBe(false);
	});

	it('treats SQL in the password as a wrong password, and the accounts are intact afterwards', async () => {
		expectError(await app.client().post('/api/v1/auth/login', { email: admin.email, password: SQL_INJECTION }), 401, 'invalid_credentials');
		expectError(await app.client().post('/api/v1/auth/login', { email: `${admin.email}' --`, password: 'x' }), 401, 'invalid_credentials');
		expect((await app.client().post('/api/v1/auth/login', { email: admin.email, password: PASSWORD })).status).toBe(200);
	});
});

describe('GET /api/v1/me', () => {
	it('answers the signed-in person and their clinics, by cookie', async () => {
		const client = await signedIn(app, doctor.email, PASSWORD);
		const res = await client.get('/api/v1/me');
		expect(res.status).toBe(200);
		expect(meView.parse(res.body)).toEqual({
			user: { id: doctor.id, email: doctor.email, name: doctor.name },
			memberships: [{ clinicId: clinic.id, clinicCode: clinic.code, clinicName: clinic.name, role: 'doctor' }]
		});
		expect(res.headers.get('cache-control')).toBe('no-store');
	});

	it('accepts the token as Authorization: Bearer', async () => {
		const { token } = loginView.parse((await app.client().post('/api/v1/auth/login', { email: doctor.email, password: PASSWORD })).body);
		const res = await app.client({ authorization: `Bearer ${token}` }).get('/api/v1/me');
		expect(meView.parse(res.body).user.id).toBe(doctor.id);
	});

	it('answers 401 unauthenticated without a session, with a forged one, and with a malformed header', async () => {
		expectError(await app.client().get('/api/v1/me'), 401, 'unauthenticated');
		expectError(await app.client({ authorization: `Bearer ${'a'.repeat(32)}` }).get('/api/v1/me'), 401, 'unauthenticated');
		expectError(await app.client({ authorization: `Bearer ${SQL_INJECTION}` }).get('/api/v1/me'), 401, 'unauthenticated');
		expectError(await app.client({ cookie: `session=${encodeURIComponent(SCRIPT_INJECTION)}` }).get('/api/v1/me'), 401, 'unauthenticated');
		expectError(await app.client({ authorization: 'Basic YWRtaW46YWRtaW4=' }).get('/api/v1/me'), 401, 'unauthenticated');
	});
});

describe('POST /api/v1/auth/logout', () => {
	it('ends the cookie session and clears the cookie; the token no longer works anywhere', async () => {
		const client = await signedIn(app, admin.email, PASSWORD);
		const token = client.cookies.get('session');
		const res = await client.post('/api/v1/auth/logout');
		expect(res.status).toBe(204);
		expect(client.cookies.has('session')).toBe(false);
		expectError(await client.get('/api/v1/me'), 401, 'unauthenticated');
		expectError(await app.client({ authorization: `Bearer ${token}` }).get('/api/v1/me'), 401, 'unauthenticated');
	});

	it('ends a bearer session, and leaves the same person’s other sessions alone', async () => {
		const other = await signedIn(app, admin.email, PASSWORD);
		const { token } = loginView.parse((await app.client().post('/api/v1/auth/login', { email: admin.email, password: PASSWORD })).body);
		const bearer = app.client({ authorization: `Bearer ${token}` });
		expect((await bearer.post('/api/v1/auth/logout')).status).toBe(204);
		expectError(await bearer.get('/api/v1/me'), 401, 'unauthenticated');
		expect((await other.get('/api/v1/me')).status).toBe(200);
	});

	it('answers 204 when nobody is signed in, so repeating it is harmless', async () => {
		expect((await app.client().post('/api/v1/auth/logout')).status).toBe(204);
	});
});

describe('error messages follow the caller’s language', () => {
	const en: Record<string, string> = JSON.parse(readFileSync('messages/en.json', 'utf8'));
	const ur: Record<string, string> = JSON.parse(readFileSync('messages/ur.json', 'utf8'));

	it('answers in English by default, in Urdu by Accept-Language or the PARAGLIDE_LOCALE cookie', async () => {
		const body = { email: 'nobody@nowhere.test', password: 'wrong password' };
		const english = await app.client().post('/api/v1/auth/login', body);
		expect(errorOf(english).message).toBe(en.error_invalid_credentials);
		const byHeader = await app.client({ 'accept-language': 'ur-PK,ur;q=0.9' }).post('/api/v1/auth/login', body);
		expect(errorOf(byHeader).message).toBe(ur.error_invalid_credentials);
		const byCookie = await app.client({ cookie: 'PARAGLIDE_LOCALE=ur' }).post('/api/v1/auth/login', body);
		expect(errorOf(byCookie).message).toBe(ur.error_invalid_credentials);
		expect(errorOf(byCookie).code).toBe('invalid_credentials');
	});

	it('translates edge errors too (unknown route, wrong method)', async () => {
		const urdu = app.client({ 'accept-language': 'ur' });
		expect(errorOf(await urdu.get('/api/v1/no-such-thing')).message).toBe(ur.error_not_found);
		expect(errorOf(await urdu.get('/api/v1/auth/login')).message).toBe(ur.api_error_method_not_allowed);
	});
});
