import { redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { invalidateSession } from '$lib/server/auth/session';
import { clearSessionCookie } from '$lib/server/auth/cookie';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ locals, cookies }) => {
	if (locals.session) {
		const { db } = await getDatabase();
		await invalidateSession(db, locals.session.id);
	}
	clearSessionCookie(cookies);
	redirect(303, '/login?signedOut=1');
};
