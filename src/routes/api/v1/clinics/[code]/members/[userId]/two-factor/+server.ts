import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { resetMemberTwoFactor } from '$lib/server/tenancy/resetMemberTwoFactor';
import type { RequestHandler } from './$types';

/** An admin turns off a member's lost second factor (see resetMemberTwoFactor). */
export const DELETE: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const userId = resourceId(params.userId);
	const { db } = await getDatabase();
	await resetMemberTwoFactor(db, ctx, userId);
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed('DELETE');
