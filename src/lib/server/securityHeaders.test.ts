import { describe, expect, it } from 'vitest';
import { baseSecurityHeaders, completePagePolicy } from './securityHeaders';

const KIT_POLICY = "default-src 'self'; script-src 'self' 'nonce-abc'; connect-src 'self'; frame-ancestors 'none'; object-src 'none'";

describe('security headers', () => {
	it('lets the kiosk page be framed by this origin only, and nothing else be framed at all, in both headers', () => {
		const kiosk = baseSecurityHeaders('/kiosk/SHF01', false);
		expect(kiosk['x-frame-options']).toBe('SAMEORIGIN');
		expect(kiosk['content-security-policy']).toBe("frame-ancestors 'self'");
		for (const path of ['/', '/SHF01/queue', '/favicon.svg', '/kiosk', '/api/v1/clinics']) {
			const headers = baseSecurityHeaders(path, false);
			expect(headers['x-frame-options']).toBe('DENY');
			expect(headers['content-security-policy']).toBe("frame-ancestors 'none'");
		}
	});

	it('sends HSTS only when the app is served over https', () => {
		expect(baseSecurityHeaders('/', true)['strict-transport-security']).toMatch(/max-age=\d+/);
		expect(baseSecurityHeaders('/', false)).not.toHaveProperty('strict-transport-security');
	});

	it('lets pages open WebSockets to this origin only, never to any ws:/wss: host', () => {
		const https = completePagePolicy(KIT_POLICY, new URL('https://clinic.example.test/SHF01/queue'));
		expect(https).toContain("connect-src 'self' wss://clinic.example.test");
		const http = completePagePolicy(KIT_POLICY, new URL('http://192.168.1.5:3000/SHF01/queue'));
		expect(http).toContain("connect-src 'self' ws://192.168.1.5:3000");
		expect(http).not.toMatch(/(^|\s)wss?:(\s|;|$)/);
		expect(http).toContain("script-src 'self' 'nonce-abc'");
	});

	it("agrees with X-Frame-Options in a page's full policy, adding frame-ancestors where a response left it out", () => {
		expect(completePagePolicy(KIT_POLICY, new URL('https://c.test/kiosk/SHF01'))).toMatch(/frame-ancestors 'self'$/);
		expect(completePagePolicy(KIT_POLICY, new URL('https://c.test/kiosk/SHF01')).match(/frame-ancestors/g)).toHaveLength(1);
		expect(completePagePolicy(KIT_POLICY, new URL('https://c.test/SHF01'))).toMatch(/frame-ancestors 'none'$/);
		expect(completePagePolicy("default-src 'none'; sandbox", new URL('https://c.test/SHF01/patients/1/documents/2'))).toBe(
			"default-src 'none'; sandbox; frame-ancestors 'none'"
		);
	});

	it('lets only a visit chart page use the microphone (this origin) and play blob: media', () => {
		const policy = "default-src 'self'; media-src 'self' data:; connect-src 'self'";
		const chart = '/SHF01/visits/0b7c6f1e-2a65-4c1b-9d7e-3f0a2b1c4d5e';
		expect(baseSecurityHeaders(chart, false)['permissions-policy']).toContain('microphone=(self)');
		expect(baseSecurityHeaders(chart, false)['permissions-policy']).toContain('camera=()');
		expect(completePagePolicy(policy, new URL(`https://c.test${chart}`))).toContain("media-src 'self' data: blob:");
		for (const path of ['/', '/SHF01/queue', `${chart}/prescription`, '/SHF01/patients/1', '/api/v1/clinics/SHF01/visits/1', '/SHF01/visits']) {
			expect(baseSecurityHeaders(path, false)['permissions-policy']).toContain('microphone=()');
			expect(completePagePolicy(policy, new URL(`https://c.test${path}`))).toContain("media-src 'self' data:;");
		}
	});
});
