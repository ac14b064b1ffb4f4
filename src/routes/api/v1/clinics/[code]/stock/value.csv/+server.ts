import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { csvResponse } from '$lib/server/edge/csv';
import { stockValueCsv } from '$lib/server/pharmacy/reportsCsv';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return csvResponse(await stockValueCsv(db, ctx));
});

export const fallback = methodNotAllowed('GET');
