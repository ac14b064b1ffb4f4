import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { medicineStock } from '$lib/server/pharmacy/stock';
import { stockView } from '$lib/server/openapi/stock';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(stockView.parse(await medicineStock(db, ctx, resourceId(params.id))));
});

export const fallback = methodNotAllowed('GET');
