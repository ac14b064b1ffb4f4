import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { csvResponse } from '$lib/server/edge/csv';
import { movementsCsv } from '$lib/server/pharmacy/inventoryCsv';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const query = Object.fromEntries([...url.searchParams].filter(([k]) => k === 'medicineId' || k === 'from' || k === 'to' || k === 'kind'));
	return csvResponse(await movementsCsv(db, ctx, query));
});

export const fallback = methodNotAllowed('GET');
