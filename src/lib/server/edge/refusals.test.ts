import { describe, expect, it } from 'vitest';
import type { RequestEvent } from '@sveltejs/kit';
import { apiRefusalsAsJson, kitErrorBody, refusalCode } from './refusals';

/** Runs the handle on a path with a resolve that answers `response`. */
async function through(path: string, response: Response): Promise<Response> {
	const event = { url: new URL(`http://clinic.test${path}`) } as unknown as RequestEvent;
	return apiRefusalsAsJson({ event, resolve: async () => response });
}

describe('refusals SvelteKit makes itself', () => {
	it.each([
		[400, 'bad_request'],
		[404, 'not_found'],
		[405, 'method_not_allowed'],
		[413, 'payload_too_large'],
		[415, 'unsupported_media_type'],
		[418, 'bad_request'],
		[500, 'internal']
	])('a bare %i means %s', (status, code) => {
		expect(refusalCode(status)).toBe(code);
	});

	it('gives handleError a translated sentence for a refusal, not "something went wrong on our side"', () => {
		expect(kitErrorBody(413)).toEqual({ code: 'payload_too_large', message: 'The request is too large.' });
		expect(kitErrorBody(400).message).not.toBe(kitErrorBody(500).message);
	});

	it('turns a plain-text error on /api into the JSON error shape with the same status', async () => {
		const res = await through('/api/v1/clinics/%ED%A0%80', new Response('Malformed URI', { status: 400, headers: { 'content-type': 'text/plain' } }));
		expect(res.status).toBe(400);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		expect(await res.json()).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(/\S/), fields: [] } });
	});

	it('keeps Allow on a 405 and turns an HTML error page into JSON too', async () => {
		const res = await through('/api/v1/me', new Response('<html>…</html>', { status: 405, headers: { 'content-type': 'text/html', allow: 'GET' } }));
		expect(res.headers.get('allow')).toBe('GET');
		expect(await res.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
	});

	it('leaves JSON errors, successes and pages outside /api as they are', async () => {
		const jsonError = new Response('{"error":{"code":"slot_taken","message":"x"}}', { status: 409, headers: { 'content-type': 'application/json' } });
		expect(await through('/api/v1/x', jsonError)).toBe(jsonError);
		const ok = new Response('BEGIN:VCALENDAR', { status: 200, headers: { 'content-type': 'text/calendar' } });
		expect(await through('/api/v1/x.ics', ok)).toBe(ok);
		const page = new Response('<html>', { status: 404, headers: { 'content-type': 'text/html' } });
		expect(await through('/LHR01/patients', page)).toBe(page);
	});
});
