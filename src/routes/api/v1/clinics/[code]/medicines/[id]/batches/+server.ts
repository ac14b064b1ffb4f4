import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { receiveBatch } from '$lib/server/pharmacy/stock';
import { batchView } from '$lib/server/openapi/stock';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return created(batchView.parse(await receiveBatch(db, ctx, resourceId(params.id), body)));
});

export const fallback = methodNotAllowed('POST');
