import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, readJson } from '$lib/server/edge/api';
import { signIn } from '$lib/server/auth/signIn';
import { setSessionCookie } from '$lib/server/auth/cookie';
import { loginView } from '$lib/server/openapi/auth';
import type { RequestHandler } from './$types';

/** API clients have no second page to visit, so a 2FA account must send its code in the same call. */
export const POST: RequestHandler = apiRoute(async ({ request, cookies, getClientAddress }) => {
	const body = await readJson(request);
	const { db } = await getDatabase();
	const result = await signIn(db, body, getClientAddress(), { requireTotpInline: true });
	setSessionCookie(cookies, result.token, result.expiresAt);
	return json(loginView.parse({ user: result.user, token: result.token, expiresAt: result.expiresAt.toISOString() }));
});

export const fallback = methodNotAllowed('POST');
