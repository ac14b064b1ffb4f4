import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { transferStock } from '$lib/server/pharmacy/transfers';
import { transferView } from '$lib/server/openapi/stockOps';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return created(transferView.parse(await transferStock(db, ctx, body)));
});

export const fallback = methodNotAllowed('POST');
