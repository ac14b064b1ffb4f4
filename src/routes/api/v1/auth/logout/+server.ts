import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed } from '$lib/server/edge/api';
import { invalidateSession } from '$lib/server/auth/session';
import { clearSessionCookie } from '$lib/server/auth/cookie';
import type { RequestHandler } from './$types';

/** Ends whichever session authenticated the call (cookie or bearer); repeating it is harmless. */
export const POST: RequestHandler = apiRoute(async ({ locals, cookies }) => {
	if (locals.session) {
		const { db } = await getDatabase();
		await invalidateSession(db, locals.session.id);
	}
	clearSessionCookie(cookies);
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed('POST');
