import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { openVisit } from '$lib/server/visits/openVisit';
import { openedVisitView } from '$lib/server/openapi/visits';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return created(openedVisitView.parse(await openVisit(db, ctx, body)));
});

export const fallback = methodNotAllowed('POST');
