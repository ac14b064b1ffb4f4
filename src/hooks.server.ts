import { apiRefusalsAsJson, kitErrorBody } from '$lib/server/edge/refusals';
import { redirect, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { getTextDirection } from '$lib/paraglide/runtime';
import { services } from '$lib/server/services';
import { env } from '$lib/server/env';
import { SESSION_COOKIE, validateSessionToken } from '$lib/server/auth/session';
import { clearSessionCookie, setSessionCookie } from '$lib/server/auth/cookie';
import { accountGate } from '$lib/server/auth/gate';
import { logger } from '$lib/server/logger';
import { baseSecurityHeaders, completePagePolicy } from '$lib/server/securityHeaders';
import { crossSiteRefusal, hasSessionCookie, isCrossSiteRequest } from '$lib/server/edge/crossSite';

export const init: ServerInit = async () => {
	env();
	await services().database();
};

const i18n: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		event.locals.locale = locale;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale).replace('%paraglide.dir%', getTextDirection(locale))
		});
	});

const auth: Handle = async ({ event, resolve }) => {
	// The services the process's entry built (sync-server/app.ts), for every route through locals.
	event.locals.services = services();
	event.locals.user = null;
	event.locals.session = null;
	const token = event.cookies.get(SESSION_COOKIE) ?? bearerToken(event.request);
	if (!token) return resolve(event);
	const { db } = await event.locals.services.database();
	const { session, user } = await validateSessionToken(db, token);
	if (!session) {
		clearSessionCookie(event.cookies);
		return resolve(event);
	}
	if (event.cookies.get(SESSION_COOKIE)) setSessionCookie(event.cookies, token, session.expiresAt);
	event.locals.session = session;
	event.locals.user = user;
	const path = event.url.pathname;
	if (path.startsWith('/api/')) {
		// The API never redirects: a session still waiting for its second factor is simply not signed in.
		if (!session.twoFactorVerified) {
			event.locals.user = null;
			event.locals.session = null;
		}
		return resolve(event);
	}
	const gate = accountGate(session, user, path);
	if (gate) redirect(303, gate);
	return resolve(event);
};

function bearerToken(request: Request): string | undefined {
	const header = request.headers.get('authorization');
	return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const headers = response.headers;
	const page = headers.get('content-security-policy');
	for (const [name, value] of Object.entries(baseSecurityHeaders(event.url.pathname, env().secureCookies))) headers.set(name, value);
	if (page) headers.set('content-security-policy', completePagePolicy(page, event.url));
	if (event.url.pathname.startsWith('/api/') && !headers.has('cache-control')) headers.set('cache-control', 'no-store');
	return response;
};

/** Refuses a state-changing request from another site before anything reads its body (edge/crossSite.ts). */
const crossSite: Handle = ({ event, resolve }) =>
	isCrossSiteRequest(event.request, event.url, hasSessionCookie(event.request)) ? crossSiteRefusal(event.url) : resolve(event);

export const handle = sequence(securityHeaders, i18n, crossSite, apiRefusalsAsJson, auth);

export const handleError: HandleServerError = ({ error, status }) => {
	if (status >= 500) logger().error({ err: error }, 'unhandled error');
	return kitErrorBody(status);
};
