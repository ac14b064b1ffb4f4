import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember, middayTimeZone, rand } from '../factories';
import { patient } from '../../src/lib/server/db/schema';
import { tokenView } from '../../src/lib/server/openapi/queue';

/**
 * Another site's page must not act as the signed-in person: a state-changing request that
 * carries the session cookie from another origin is refused before it is read, in JSON for the
 * API, while API clients holding a bearer token (and no cookie) work from anywhere.
 */
let app: App;
let clinic: { id: string; code: string };
let doctorEmail: string;
let doctorId: string;
const patients: string[] = [];
let doctor: ApiClient;

beforeAll(async () => {
	app = await startApp({
		seed: async (db) => {
			clinic = await makeClinic(db, { timezone: middayTimeZone() });
			({ email: doctorEmail, id: doctorId } = await makeMember(db, clinic.id, 'doctor'));
			const rows = await db
				.insert(patient)
				.values(Array.from({ length: 4 }, (_, i) => ({ clinicId: clinic.id, refNo: i + 1, name: `Patient ${i} ${rand(2)}` })))
				.returning();
			patients.push(...rows.map((r) => r.id));
		}
	});
	doctor = await signedIn(app, doctorEmail, PASSWORD);
});
afterAll(async () => {
	await app?.stop();
});

const base = () => `/api/v1/clinics/${clinic.code}`;
const EVIL = 'https://evil.test';

async function waitingToken(i: number): Promise<string> {
	const res = await doctor.post(`${base()}/queue/check-in`, { patientId: patients[i], doctorId, idempotencyKey: `key-${rand(8)}` });
	expect(res.status, res.text).toBe(201);
	return tokenView.parse(res.body).id;
}

async function statusOf(tokenId: string): Promise<string | undefined> {
	const res = await doctor.get(`${base()}/queue`);
	const tokens = JSON.stringify(res.body);
	const match = new RegExp(`"id":"${tokenId}"[^}]*?"status":"([a-z_]+)"`).exec(tokens);
	return match?.[1];
}

describe('cross-site requests', () => {
	it('refuses a body-less POST from another site that carries the session cookie, in JSON, and changes nothing', async () => {
		const id = await waitingToken(0);
		const res = await doctor.request('POST', `${base()}/queue/${id}/skip`, { headers: { origin: EVIL } });
		expectError(res, 403, 'cross_site_request');
		expect(await statusOf(id)).toBe('waiting');
		// A sibling host of the same site is another origin too; a browser that sends no Origin says so in Sec-Fetch-Site.
		const sibling = await doctor.request('POST', `${base()}/queue/next`, { headers: { 'sec-fetch-site': 'same-site' } });
		expectError(sibling, 403, 'cross_site_request');
		expect(await statusOf(id)).toBe('waiting');
	});

	it('answers the refusal in the person’s language', async () => {
		const id = await waitingToken(1);
		const res = await doctor.request('POST', `${base()}/queue/${id}/skip`, { headers: { origin: EVIL } });
		expectError(res, 403, 'cross_site_request');
		const urdu = app.client();
		urdu.cookies.set('session', [...doctor.cookies].find(([k]) => k === 'session')![1]);
		urdu.cookies.set('PARAGLIDE_LOCALE', 'ur');
		const inUrdu = await urdu.request('POST', `${base()}/queue/${id}/skip`, { headers: { origin: EVIL } });
		expectError(inUrdu, 403, 'cross_site_request');
		expect(errorOf(inUrdu).message).toMatch(/[\u0600-\u06ff]/);
		expect(errorOf(inUrdu).message).not.toBe(errorOf(res).message);
		expect(await statusOf(id)).toBe('waiting');
	});

	it('refuses a form posted from another site to the API in JSON (not SvelteKit’s plain text)', async () => {
		const res = await doctor.request('POST', `${base()}/queue/next`, {
			body: 'doctorId=x',
			headers: { origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' }
		});
		expectError(res, 403, 'cross_site_request');
	});

	it('takes the same request from the app’s own origin', async () => {
		const id = await waitingToken(2);
		const res = await doctor.request('POST', `${base()}/queue/${id}/skip`, { headers: { origin: app.url } });
		expect(res.status, res.text).toBe(200);
		expect(await statusOf(id)).toBe('skipped');
	});

	it('lets an API client with a bearer token and no cookie act from any origin', async () => {
		const id = await waitingToken(3);
		const login = await app.client().post('/api/v1/auth/login', { email: doctorEmail, password: PASSWORD });
		const token = (login.body as { token: string }).token;
		const bearer = app.client({ authorization: `Bearer ${token}`, origin: EVIL });
		const res = await bearer.request('POST', `${base()}/queue/${id}/skip`);
		expect(res.status, res.text).toBe(200);
		expect(await statusOf(id)).toBe('skipped');
	});

	it('refuses a page’s form posted from another site with the cookie, in words, before the form is read', async () => {
		const res = await doctor.request('POST', '/logout', { headers: { origin: EVIL } });
		expect(res.status).toBe(403);
		expect(res.text).toMatch(/another website/);
		// Still signed in.
		expect((await doctor.get(`${base()}/queue`)).status).toBe(200);
	});
});
