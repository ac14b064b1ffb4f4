import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { csvResponse } from '$lib/server/edge/csv';
import { dispensingCsv } from '$lib/server/pharmacy/reportsCsv';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const query = Object.fromEntries([...url.searchParams].filter(([k]) => k === 'date'));
	return csvResponse(await dispensingCsv(db, ctx, query));
});

export const fallback = methodNotAllowed('GET');
