import { text } from '@sveltejs/kit';
import { AppError } from '../errors';
import { errorMessage } from '$lib/i18n/errors';
import { SESSION_COOKIE } from '../auth/session';
import { apiError } from './index';

/**
 * Cross-site request forgery: another site's page making a signed-in person's browser change
 * something here. Checked on every request before any handler reads its body, and it replaces
 * SvelteKit's own check (svelte.config.js trusts '*'), which covers form bodies only and answers
 * in English plain text. A request that changes state is refused when it comes from another
 * origin (a same-site page on a sibling host included) and either
 * - authenticates by the session cookie (a browser sends it wherever the request comes from;
 *   a body-less POST needs no form to be sent), or
 * - has a form body (SvelteKit's rule, kept: a cross-site sign-in form is refused too).
 * A browser never adds a bearer token to another site's request, so API clients that use one
 * (and no cookie) work from anywhere; a cookie with no Origin and no Sec-Fetch-Site is not a
 * browser's (every browser sends Origin with a POST), so scripts holding a cookie work too.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain', 'application/x-sveltekit-formdata']);

export function isCrossSiteRequest(request: Request, url: URL, hasSessionCookie: boolean): boolean {
	if (SAFE_METHODS.has(request.method)) return false;
	const origin = request.headers.get('origin');
	if (origin === url.origin) return false;
	const bearer = request.headers.get('authorization')?.startsWith('Bearer ') ?? false;
	if (bearer && !hasSessionCookie) return false;
	const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
	if (FORM_TYPES.has(type)) return true;
	if (!hasSessionCookie) return false;
	if (origin !== null) return true;
	const site = request.headers.get('sec-fetch-site');
	return site !== null && site !== 'same-origin' && site !== 'none';
}

/** The refusal: JSON for the API, the translated sentence as text for pages and forms. */
export function crossSiteRefusal(url: URL): Response {
	if (url.pathname.startsWith('/api/')) return apiError(new AppError('cross_site_request', 403, 'Cross-site request refused'));
	return text(errorMessage('cross_site_request'), { status: 403 });
}

export function hasSessionCookie(request: Request): boolean {
	const cookie = request.headers.get('cookie') ?? '';
	return cookie.split(';').some((part) => part.trim().startsWith(`${SESSION_COOKIE}=`));
}
