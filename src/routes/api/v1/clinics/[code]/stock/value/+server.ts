import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { stockValue } from '$lib/server/pharmacy/reports';
import { stockValueView } from '$lib/server/openapi/stockReports';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(stockValueView.parse(await stockValue(db, ctx)));
});

export const fallback = methodNotAllowed('GET');
