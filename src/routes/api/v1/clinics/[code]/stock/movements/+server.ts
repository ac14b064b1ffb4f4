import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { stockMovements } from '$lib/server/pharmacy/stock';
import { movementsView } from '$lib/server/openapi/stock';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const query = Object.fromEntries([...url.searchParams].filter(([k]) => k === 'medicineId' || k === 'from' || k === 'to' || k === 'kind'));
	return json(movementsView.parse(await stockMovements(db, ctx, query)));
});

export const fallback = methodNotAllowed('GET');
