import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from './http';
import { makeClinic, makeMember, makeSession, PASSWORD } from '../factories';
import { installation } from '../../src/lib/server/db/schema';
import type { OperationAccess } from '../../src/lib/server/openapi/access';

/**
 * The account rules hold at every door: a receptionist of a clinic that requires 2FA, without
 * it, and a member whose password an admin reset, can sign in and nothing else — not a page, not
 * a form action, not one operation of the API — until they fix it.
 */
let app: App;
const fx = { code: '', desk: { email: '', token: '' }, reset: { email: '', token: '' } };

beforeAll(async () => {
	app = await startApp({
		seed: async (db) => {
			await db.insert(installation).values({});
			const strict = await makeClinic(db, { require2fa: true });
			const desk = await makeMember(db, strict.id, 'reception');
			const plain = await makeClinic(db);
			const reset = await makeMember(db, plain.id, 'admin', { mustChangePassword: true });
			fx.code = strict.code;
			fx.desk = { email: desk.email, token: await makeSession(db, desk.id) };
			fx.reset = { email: reset.email, token: await makeSession(db, reset.id) };
		}
	});
}, 120_000);
afterAll(async () => {
	await app?.stop();
});

type Operation = { operationId: string; 'x-tabeeb-access'?: OperationAccess };

async function operations() {
	const document = (await app.client().get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
	return Object.entries(document.paths).flatMap(([path, item]) =>
		Object.entries(item)
			.filter(([method]) => ['get', 'put', 'post', 'delete', 'patch'].includes(method))
			.map(([method, op]) => ({ path, method, op }))
	);
}

const errorCode = (body: unknown) => (body as { error?: { code?: string } } | null)?.error?.code;

describe('a clinic that requires 2FA, for a member without it', () => {
	it('still lets them sign in', async () => {
		const res = await app.client().post('/api/v1/auth/login', { email: fx.desk.email, password: PASSWORD });
		expect(res.status).toBe(200);
	});

	it('refuses every operation of that clinic in the API with 403 two_factor_required', async () => {
		const client = app.client({ authorization: `Bearer ${fx.desk.token}` });
		const seen: string[] = [];
		for (const { path, method, op } of await operations()) {
			const access = op['x-tabeeb-access'];
			if (!access || !('roles' in access) || !path.startsWith('/clinics/{code}')) continue;
			const url = `/api/v1${path.replace('{code}', fx.code).replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000')}`;
			const res = await client.request(method.toUpperCase(), url, method === 'get' || method === 'delete' ? {} : { json: {} });
			seen.push(`${op.operationId}: ${res.status} ${errorCode(res.body)}`);
		}
		expect(seen.length).toBeGreaterThan(30);
		expect(seen.filter((s) => !s.endsWith(': 403 two_factor_required'))).toEqual([]);
	});

	it('sends their page loads and form actions to the security page', async () => {
		const browser = app.client({ cookie: `session=${fx.desk.token}`, origin: app.url });
		const page = await browser.get(`/${fx.code}/queue`);
		expect(page.status).toBe(303);
		expect(page.headers.get('location')).toBe(`/account/security?required=${fx.code}`);
		const action = await browser.request('POST', `/${fx.code}/queue?/checkIn`, {
			body: new URLSearchParams({ patientId: '00000000-0000-4000-8000-000000000000' }).toString(),
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		});
		// A plain form post is redirected (303); one sent as JSON, as the app's enhanced forms are, is told where to go.
		const where = action.status === 303 ? action.headers.get('location') : (action.body as { type?: string; location?: string } | null)?.location;
		expect(where).toBe(`/account/security?required=${fx.code}`);
	});
});

describe('a member whose password an admin reset', () => {
	it('still lets them sign in', async () => {
		const res = await app.client().post('/api/v1/auth/login', { email: fx.reset.email, password: PASSWORD });
		expect(res.status).toBe(200);
	});

	it('refuses every operation that needs an account with 403 password_change_required', async () => {
		const client = app.client({ authorization: `Bearer ${fx.reset.token}` });
		const seen: string[] = [];
		for (const { path, method, op } of await operations()) {
			const access = op['x-tabeeb-access'];
			if (!access || 'anyone' in access) continue;
			const url = `/api/v1${path.replace('{code}', fx.code).replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000')}`;
			const res = await client.request(method.toUpperCase(), url, method === 'get' || method === 'delete' ? {} : { json: {} });
			seen.push(`${op.operationId}: ${res.status} ${errorCode(res.body)}`);
		}
		expect(seen.length).toBeGreaterThan(40);
		expect(seen.filter((s) => !s.endsWith(': 403 password_change_required'))).toEqual([]);
	});

	it('sends their pages to the password screen', async () => {
		const browser = app.client({ cookie: `session=${fx.reset.token}` });
		const page = await browser.get('/clinics/new');
		expect(page.status).toBe(303);
		expect(page.headers.get('location')).toBe('/account/password');
	});
});
