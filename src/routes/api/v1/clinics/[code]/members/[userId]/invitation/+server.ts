import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { resendInvitation } from '$lib/server/tenancy/invitations';
import { invitationView } from '$lib/server/openapi/tenancy';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const userId = resourceId(params.userId);
	const { db } = await getDatabase();
	return created(invitationView.parse(await resendInvitation(db, ctx, userId)));
});

export const fallback = methodNotAllowed('POST');
