import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { completeVisit } from '$lib/server/visits/completeVisit';
import { visitView } from '$lib/server/openapi/visits';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request, { bodyOptional: true });
	const { db } = await getDatabase();
	return json(visitView.parse(await completeVisit(db, ctx, resourceId(params.id), body)));
});

export const fallback = methodNotAllowed('POST');
