import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { startStockCount } from '$lib/server/pharmacy/stockCount';
import { stockCountOutput } from '$lib/server/openapi/stockOps';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request, { bodyOptional: true });
	const { db } = await getDatabase();
	return created(stockCountOutput.parse(await startStockCount(db, ctx, body)));
});

export const fallback = methodNotAllowed('POST');
