import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, readJson, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { resetMemberPassword } from '$lib/server/tenancy/members';
import { passwordResetView } from '$lib/server/openapi/tenancy';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const userId = resourceId(params.userId);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return json(passwordResetView.parse(await resetMemberPassword(db, ctx, userId, body)));
});

export const fallback = methodNotAllowed('POST');
