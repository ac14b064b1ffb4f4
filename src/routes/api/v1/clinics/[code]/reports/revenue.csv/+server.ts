import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { csvResponse } from '$lib/server/edge/csv';
import { revenueCsv } from '$lib/server/billing/reports';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return csvResponse(await revenueCsv(db, ctx, Object.fromEntries(url.searchParams)));
});

export const fallback = methodNotAllowed('GET');
