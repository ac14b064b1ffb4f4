import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from './http';
import { installation } from '../../src/lib/server/db/schema';

let app: App;
beforeAll(async () => {
	// A set-up installation, so /login is a page and not a redirect to /setup.
	app = await startApp({ seed: async (db) => void (await db.insert(installation).values({ id: 1 })) });
});
afterAll(async () => {
	await app?.stop();
});

function expectBaseHeaders(headers: Headers, framing: 'DENY' | 'SAMEORIGIN') {
	expect(headers.get('x-content-type-options')).toBe('nosniff');
	expect(headers.get('referrer-policy')).toBe('same-origin');
	expect(headers.get('x-frame-options')).toBe(framing);
	expect(headers.get('content-security-policy')).toContain(`frame-ancestors ${framing === 'DENY' ? "'none'" : "'self'"}`);
	expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
	expect(headers.get('permissions-policy')).toMatch(/camera=\(\)/);
}

describe('security headers', () => {
	it('are on static files too, which the server answers before the app', async () => {
		const icon = await app.client().get('/favicon.svg');
		expect(icon.status).toBe(200);
		expectBaseHeaders(icon.headers, 'DENY');
		const page = await app.client().get('/login');
		expect(page.status).toBe(200);
		const script = /\/_app\/immutable\/[^"']+\.js/.exec(page.text)?.[0];
		expect(script).toBeTruthy();
		const asset = await app.client().get(script!);
		expect(asset.status).toBe(200);
		expectBaseHeaders(asset.headers, 'DENY');
	});

	it('let pages open WebSockets to this origin only, and be framed by nobody', async () => {
		const page = await app.client().get('/login');
		expectBaseHeaders(page.headers, 'DENY');
		const policy = page.headers.get('content-security-policy')!;
		const connect = policy
			.split(';')
			.map((d) => d.trim())
			.find((d) => d.startsWith('connect-src'));
		expect(connect).toBe(`connect-src 'self' ${app.url.replace('http:', 'ws:')}`);
		expect(policy.match(/frame-ancestors/g)).toHaveLength(1);
	});

	it('let the kiosk page be framed by this origin only, saying so in both headers', async () => {
		const kiosk = await app.client().get('/kiosk/not-a-real-key');
		expectBaseHeaders(kiosk.headers, 'SAMEORIGIN');
		expect(kiosk.headers.get('content-security-policy')!.match(/frame-ancestors/g)).toHaveLength(1);
	});

	it('are on API answers', async () => {
		expectBaseHeaders((await app.client().get('/api/v1/clinics')).headers, 'DENY');
	});
});

describe('the language switch', () => {
	const switchTo = (redirectTo: string) =>
		app.client().request('POST', '/locale', {
			body: new URLSearchParams({ locale: 'ur', redirectTo }).toString(),
			headers: { origin: app.url, 'content-type': 'application/x-www-form-urlencoded' }
		});

	it('goes back to a page of this site', async () => {
		const res = await switchTo('/login?next=%2Fme');
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/login?next=%2Fme');
	});

	it.each(['/\\evil.test', '//evil.test', '/%5Cevil.test', '/%2F%2Fevil.test', 'https://evil.test/', '\\\\evil.test'])(
		'never sends the person to another site (%s)',
		async (target) => {
			const res = await switchTo(target);
			expect(res.status).toBe(303);
			expect(res.headers.get('location')).toBe('/');
		}
	);
});
