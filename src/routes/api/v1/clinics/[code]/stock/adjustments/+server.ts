import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { adjustStock } from '$lib/server/pharmacy/stock';
import { adjustmentView } from '$lib/server/openapi/stock';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return json(adjustmentView.parse(await adjustStock(db, ctx, body)));
});

export const fallback = methodNotAllowed('POST');
