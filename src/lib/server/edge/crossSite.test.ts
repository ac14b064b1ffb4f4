import { describe, expect, it } from 'vitest';
import { isCrossSiteRequest } from './crossSite';

const url = new URL('https://clinic.example.test/api/v1/clinics/SHF01/queue/skip');
const request = (method: string, headers: Record<string, string>) => new Request(url, { method, headers });

describe('isCrossSiteRequest', () => {
	it.each([
		['a body-less POST from another site with the cookie', 'POST', { origin: 'https://evil.test' }, true, true],
		['a POST from a sibling host of the same site with the cookie', 'POST', { origin: 'https://kiosk.example.test' }, true, true],
		['a POST with the cookie, no Origin, marked cross-site by the browser', 'POST', { 'sec-fetch-site': 'same-site' }, true, true],
		['a DELETE from another site with the cookie and a JSON body', 'DELETE', { origin: 'https://evil.test', 'content-type': 'application/json' }, true, true],
		[
			'a form post from another site without any cookie (sign-in forgery)',
			'POST',
			{ origin: 'https://evil.test', 'content-type': 'application/x-www-form-urlencoded' },
			false,
			true
		],
		['a text/plain post without Origin or cookie (as SvelteKit refuses)', 'POST', { 'content-type': 'text/plain' }, false, true],
		[
			'the cookie and a bearer token from another site with a form body',
			'POST',
			{ origin: 'https://evil.test', authorization: 'Bearer abc', 'content-type': 'multipart/form-data; boundary=x' },
			true,
			true
		],
		['a POST from this origin with the cookie', 'POST', { origin: 'https://clinic.example.test' }, true, false],
		['a form post from this origin', 'POST', { origin: 'https://clinic.example.test', 'content-type': 'multipart/form-data; boundary=x' }, true, false],
		['a GET from another site with the cookie', 'GET', { origin: 'https://evil.test' }, true, false],
		['a bearer-token client from another origin, no cookie', 'POST', { origin: 'https://evil.test', authorization: 'Bearer abc' }, false, false],
		[
			'a bearer-token client uploading a form body from anywhere, no cookie',
			'POST',
			{ authorization: 'Bearer abc', 'content-type': 'multipart/form-data; boundary=x' },
			false,
			false
		],
		['a script with the cookie and neither Origin nor Sec-Fetch-Site', 'POST', { 'content-type': 'application/json' }, true, false],
		[
			'a JSON POST from another site without a cookie (nothing to act as)',
			'POST',
			{ origin: 'https://evil.test', 'content-type': 'application/json' },
			false,
			false
		]
	])('%s → refused: %s', (_name, method, headers, cookie, refused) => {
		expect(isCrossSiteRequest(request(method, headers), url, cookie)).toBe(refused);
	});
});
