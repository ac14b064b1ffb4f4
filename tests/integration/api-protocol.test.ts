import { Agent, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember } from '../factories';
import { membersView } from '../../src/lib/server/openapi/tenancy';

let app: App;
let code: string;
let doctorId: string;
let adminEmail: string;
let admin: ApiClient;

beforeAll(async () => {
	app = await startApp({
		seed: async (db) => {
			const clinic = await makeClinic(db);
			code = clinic.code;
			adminEmail = (await makeMember(db, clinic.id, 'admin')).email;
			doctorId = (await makeMember(db, clinic.id, 'doctor')).id;
		}
	});
	admin = await signedIn(app, adminEmail, PASSWORD);
});
afterAll(async () => {
	await app?.stop();
});

/** Every endpoint that reads a JSON body, with the method it takes. */
const bodyEndpoints = (): [string, string][] => [
	['POST', '/api/v1/setup'],
	['POST', '/api/v1/auth/login'],
	['POST', '/api/v1/clinics'],
	['POST', `/api/v1/clinics/${code}/members`],
	['PATCH', `/api/v1/clinics/${code}/members/${doctorId}`],
	['POST', `/api/v1/clinics/${code}/members/${doctorId}/password`],
	['PUT', `/api/v1/clinics/${code}/doctors/${doctorId}/profile`]
];

const json = { 'content-type': 'application/json' };

describe('request bodies', () => {
	it.each(['{', '{"email": }', "{'email': 'a'}", '', 'undefined', '{"a":1}}'])(
		'answers malformed JSON %j with 400 invalid_json on every endpoint',
		async (text) => {
			for (const [method, path] of bodyEndpoints()) {
				expectError(await admin.request(method, path, { body: text, headers: json }), 400, 'invalid_json');
			}
		}
	);

	it('answers bytes that are not UTF-8 with 400 invalid_json', async () => {
		const res = await admin.request('POST', '/api/v1/clinics', { body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), headers: json });
		expectError(res, 400, 'invalid_json');
	});

	it.each([
		['text/plain', 'text/plain'],
		['XML', 'application/xml'],
		['a form', 'application/x-www-form-urlencoded'],
		['no type at all', undefined]
	])('answers %s with 415 unsupported_media_type on every endpoint', async (_case, type) => {
		// The same origin, as a browser on this site would send: otherwise SvelteKit's own CSRF check refuses forms first.
		const headers: Record<string, string> = { origin: app.url, ...(type ? { 'content-type': type } : {}) };
		for (const [method, path] of bodyEndpoints()) {
			// Bytes, so that fetch adds no content type of its own.
			const body = new TextEncoder().encode('{"role":"admin"}');
			expectError(await admin.request(method, path, { body, headers }), 415, 'unsupported_media_type');
		}
	});

	it('never lets a cross-site form post reach the API (refused with a JSON 403)', async () => {
		const body = new TextEncoder().encode('role=admin');
		for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
			const res = await admin.request('PATCH', `/api/v1/clinics/${code}/members/${doctorId}`, {
				body,
				headers: { origin: 'https://evil.example', 'content-type': type }
			});
			expectError(res, 403, 'cross_site_request');
		}
	});

	it('accepts a charset parameter and +json types', async () => {
		const res = await admin.request('PATCH', `/api/v1/clinics/${code}/members/${doctorId}`, {
			body: '{"role":"doctor"}',
			headers: { 'content-type': 'application/json; charset=utf-8' }
		});
		expect(res.status).toBe(200);
		const merged = await admin.request('PATCH', `/api/v1/clinics/${code}/members/${doctorId}`, {
			body: '{"role":"doctor"}',
			headers: { 'content-type': 'application/merge-patch+json' }
		});
		expect(merged.status).toBe(200);
	});

	it('answers a body over 64 KB with 413 payload_too_large, by declared length and by what arrives', async () => {
		const big = JSON.stringify({ name: 'x'.repeat(65 * 1024) });
		for (const [method, path] of bodyEndpoints()) {
			expectError(await admin.request(method, path, { body: big, headers: json }), 413, 'payload_too_large');
		}
		// Chunked: no content-length to trust, so the cap applies while reading.
		const stream = new ReadableStream<Uint8Array>({
			start(controller) {
				const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
				controller.enqueue(new TextEncoder().encode('{"name":"'));
				for (let i = 0; i < 5; i++) controller.enqueue(chunk);
				controller.enqueue(new TextEncoder().encode('"}'));
				controller.close();
			}
		});
		expectError(await admin.request('POST', '/api/v1/clinics', { body: stream, headers: json }), 413, 'payload_too_large');
	});

	it('answers a body past the server-wide limit (512 KB) with 413 too, before any route runs', async () => {
		// On its own connection: the server closes it without reading the body, so it must not go back to fetch's pool.
		const status = await new Promise<number | undefined>((done, fail) => {
			const req = httpRequest(`${app.url}/api/v1/clinics`, {
				method: 'POST',
				agent: false,
				headers: { ...json, cookie: `session=${admin.cookies.get('session')}` }
			});
			req.on('response', (res) => {
				res.resume();
				done(res.statusCode);
			});
			req.on('error', fail);
			req.end(JSON.stringify({ name: 'x'.repeat(1024 * 1024) }));
		});
		expect(status).toBe(413);
	});

	it('answers a body over 64 KB with a JSON 413 and keeps the keep-alive connection for the next request', async () => {
		// One socket only: the second request must travel on the connection the refused body came on.
		const agent = new Agent({ keepAlive: true, maxSockets: 1 });
		const cookie = `session=${admin.cookies.get('session')}`;
		const send = (method: string, path: string, body?: string, chunked = false) =>
			new Promise<{ status?: number; reused: boolean; text: string }>((done, fail) => {
				const headers: Record<string, string> = {
					cookie,
					...(body ? json : {}),
					...(body && !chunked ? { 'content-length': String(Buffer.byteLength(body)) } : {})
				};
				const req = httpRequest(`${app.url}${path}`, { method, agent, headers }, (res) => {
					let text = '';
					res.setEncoding('utf8');
					res.on('data', (chunk: string) => (text += chunk));
					res.on('end', () => done({ status: res.statusCode, reused: req.reusedSocket, text }));
				});
				req.on('error', fail);
				if (body && chunked) for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.slice(i, i + 16 * 1024));
				req.end(body && !chunked ? body : undefined);
			});
		try {
			const big = JSON.stringify({ name: 'x'.repeat(200 * 1024) });
			for (const chunked of [false, true]) {
				const refused = await send('POST', '/api/v1/clinics', big, chunked);
				expect(refused.status).toBe(413);
				expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 'payload_too_large', message: 'The request is too large.' } });
				const next = await send('GET', '/api/v1/me');
				expect({ status: next.status, reused: next.reused }).toEqual({ status: 200, reused: true });
			}
		} finally {
			agent.destroy();
		}
	}, 30_000);

	it('reads a body just under 64 KB and validates it as usual', async () => {
		const body = JSON.stringify({ role: 'doctor', padding: 'x'.repeat(60 * 1024) });
		const res = await admin.request('PATCH', `/api/v1/clinics/${code}/members/${doctorId}`, { body, headers: json });
		expect(res.status).toBe(200);
	});

	it('checks who is asking before reading the body: an anonymous malformed request is 401', async () => {
		expectError(await app.client().request('POST', '/api/v1/clinics', { body: '{', headers: json }), 401, 'unauthenticated');
		expectError(await app.client().request('POST', `/api/v1/clinics/${code}/members`, { body: '{', headers: json }), 401, 'unauthenticated');
	});

	it('changes nothing on any refused body', async () => {
		const staff = membersView.parse((await admin.get(`/api/v1/clinics/${code}/members`)).body).members;
		expect(staff.find((m) => m.userId === doctorId)).toMatchObject({ role: 'doctor', status: 'active', specialization: null });
		expect(staff).toHaveLength(2);
	});
});

describe('routes and methods', () => {
	it.each([
		['GET', '/api/v1/no-such-thing'],
		['GET', '/api/v1'],
		['POST', '/api/v1/clinics/SHF01'],
		['GET', '/api/v1/clinics/SHF01/members/x/y/z'],
		['DELETE', '/api/v2/anything'],
		['GET', '/api/v1/%3Cscript%3Ealert(1)%3C%2Fscript%3E']
	])('answers %s %s with a JSON 404', async (method, path) => {
		expectError(await admin.request(method, path), 404, 'not_found');
	});

	it.each([
		['GET', '/api/v1/setup', 'POST'],
		['GET', '/api/v1/auth/login', 'POST'],
		['GET', '/api/v1/auth/logout', 'POST'],
		['POST', '/api/v1/me', 'GET'],
		['GET', '/api/v1/clinics', 'POST'],
		['DELETE', '/api/v1/clinics/SHF01/members', 'GET, POST'],
		['GET', '/api/v1/clinics/SHF01/members/00000000-0000-4000-8000-000000000000', 'PATCH'],
		['PUT', '/api/v1/clinics/SHF01/members/00000000-0000-4000-8000-000000000000/password', 'POST'],
		['POST', '/api/v1/clinics/SHF01/doctors/00000000-0000-4000-8000-000000000000/profile', 'PUT'],
		['POST', '/api/v1/openapi.json', 'GET'],
		['OPTIONS', '/api/v1/clinics', 'POST']
	])('answers %s %s with a JSON 405 that names the allowed methods', async (method, path, allow) => {
		const res = await admin.request(method, path, method === 'GET' || method === 'OPTIONS' ? {} : { body: '{}', headers: { ...json, origin: app.url } });
		expectError(res, 405, 'method_not_allowed');
		expect(res.headers.get('allow')).toBe(allow);
	});

	it('marks API answers as not cacheable and not sniffable', async () => {
		const res = await admin.get('/api/v1/me');
		expect(res.headers.get('cache-control')).toBe('no-store');
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
	});
});
