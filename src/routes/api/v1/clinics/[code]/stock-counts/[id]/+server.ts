import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { stockCountView } from '$lib/server/pharmacy/stockCount';
import { stockCountOutput } from '$lib/server/openapi/stockOps';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(stockCountOutput.parse(await stockCountView(db, ctx, resourceId(params.id))));
});

export const fallback = methodNotAllowed('GET');
