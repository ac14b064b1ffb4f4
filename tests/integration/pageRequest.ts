import type { Db } from '../../src/lib/server/db';
import { createSession, generateSessionToken, validateSessionToken } from '../../src/lib/server/auth/session';

/**
 * The event a SvelteKit page load or form action receives, for a signed-in person: a real session
 * (two-factor verified), the URL with its query, the route's params and, for an action, the form
 * posted. Cast it to the route's own event type at the call.
 */
export async function pageRequest(db: Db, userId: string, url: string, params: Record<string, string>, form?: Record<string, string>) {
	const token = generateSessionToken();
	await createSession(db, token, userId, { twoFactorVerified: true });
	const { session, user } = await validateSessionToken(db, token);
	const at = new URL(url, 'http://localhost');
	const request = form
		? new Request(at, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
		: new Request(at);
	return { locals: { session, user, locale: 'en' }, url: at, params, request };
}

/** Whether a load or action let the person in: its status when it threw (403, 404), else 200. */
export const statusOf = (p: Promise<unknown>) =>
	p.then(
		() => 200,
		(e: { status?: number }) => e.status ?? 500
	);
