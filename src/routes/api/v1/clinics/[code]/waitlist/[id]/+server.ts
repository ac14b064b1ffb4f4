import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { withdrawFromWaitlist } from '$lib/server/scheduling/waitlist';
import type { RequestHandler } from './$types';

/** Takes a patient off the waitlist (an open offer goes to the next patient waiting). */
export const DELETE: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	await withdrawFromWaitlist(db, ctx, resourceId(params.id));
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed('DELETE');
