import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from './http';

/**
 * A plain `npm start` sets no ORIGIN. Its forms (setup, sign-in) must still work from the address
 * the browser used, localhost or the clinic server's address on the local network, while a form
 * posted from another site is still refused.
 */
let app: App;
beforeAll(async () => {
	app = await startApp({ noOrigin: true });
});
afterAll(async () => {
	await app?.stop();
});

const form = (origin: string, extra: Record<string, string> = {}) => ({
	body: new TextEncoder().encode('clinicName=&adminEmail=not-an-email'),
	headers: { origin, 'content-type': 'application/x-www-form-urlencoded', ...extra }
});

describe('without ORIGIN', () => {
	it('takes a form post from the page’s own address (answered by the form, not refused as cross-site)', async () => {
		const res = await app.client().request('POST', '/setup', form(app.url));
		expect(res.status, res.text).not.toBe(403);
		expect(res.text).not.toMatch(/cross-site/i);
		expect(res.text).toContain('"type":"failure"'); // the form's own answer to what the empty form got wrong
	});

	it('still refuses a form posted from another site, and one claiming https', async () => {
		for (const origin of ['https://evil.example', app.url.replace('http:', 'https:')]) {
			const res = await app.client().request('POST', '/setup', form(origin));
			expect(res.status, origin).toBe(403);
		}
	});

	it('ignores a protocol header sent by the client', async () => {
		const spoofed = await app.client().request('POST', '/setup', form(app.url.replace('http:', 'https:'), { 'x-tabeeb-protocol': 'https' }));
		expect(spoofed.status).toBe(403);
		const plain = await app.client().request('POST', '/setup', form(app.url, { 'x-tabeeb-protocol': 'https' }));
		expect(plain.status).not.toBe(403);
	});
});
