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
	// Offline copies of live documents (IndexedDB) must not outlive the session on a shared computer.
	return new Response(null, { status: 303, headers: { location: '/login?signedOut=1', 'clear-site-data': '"storage"' } });
};
