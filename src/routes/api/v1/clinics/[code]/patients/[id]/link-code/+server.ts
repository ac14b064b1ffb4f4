import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { createLinkCode } from '$lib/server/patients/createLinkCode';
import { linkCodeView } from '$lib/server/openapi/patients';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const id = resourceId(params.id);
	const { db } = await getDatabase();
	const issued = await createLinkCode(db, ctx, id);
	return created(linkCodeView.parse({ code: issued.code, expiresAt: issued.expiresAt.toISOString() }));
});

export const fallback = methodNotAllowed('POST');
