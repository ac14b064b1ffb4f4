import { json, type Handle } from '@sveltejs/kit';
import { errorMessage, type WordedCode } from '$lib/i18n/errors';

/**
 * Refusals SvelteKit makes itself, before or around any route: a path that is not valid
 * percent-encoding (400 "Malformed URI"), a body past the adapter's limit (413), a route's
 * `error()`. They carry a status and no code of ours; these helpers give them the code and the
 * translated sentence that status means, and on /api the JSON shape every API error has.
 *
 * Wiring (src/hooks.server.ts):
 *   - `handleError` returns `kitErrorBody(status)` (after logging a 5xx), so a 400 or a 413 no
 *     longer reads "Something went wrong on our side";
 *   - `handle = sequence(securityHeaders, i18n, crossSite, apiRefusalsAsJson, auth)`: after i18n, so the
 *     message is in the request's language.
 */

/** The error code a bare HTTP status stands for. */
export function refusalCode(status: number): WordedCode {
	if (status === 400) return 'bad_request';
	if (status === 401) return 'unauthenticated';
	if (status === 403) return 'forbidden';
	if (status === 404) return 'not_found';
	if (status === 405) return 'method_not_allowed';
	if (status === 413) return 'payload_too_large';
	if (status === 415) return 'unsupported_media_type';
	if (status === 429) return 'rate_limited';
	if (status >= 400 && status < 500) return 'bad_request';
	return 'internal';
}

/** `App.Error` for a status: what `handleError` should return instead of "internal" for every refusal. */
export function kitErrorBody(status: number): App.Error {
	const code = refusalCode(status);
	return { code, message: errorMessage(code) };
}

/** An /api answer that is an error but not JSON (SvelteKit's own text or HTML) becomes `{"error": {code, message, fields: []}}` with the same status. */
export const apiRefusalsAsJson: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (!event.url.pathname.startsWith('/api/') || response.status < 400) return response;
	if ((response.headers.get('content-type') ?? '').startsWith('application/json')) return response;
	await response.body?.cancel().catch(() => undefined);
	const code = refusalCode(response.status);
	const kept: Record<string, string> = {};
	for (const name of ['allow', 'retry-after', 'cache-control']) {
		const value = response.headers.get(name);
		if (value) kept[name] = value;
	}
	return json({ error: { code, message: errorMessage(code), fields: [] } }, { status: response.status, headers: kept });
};
