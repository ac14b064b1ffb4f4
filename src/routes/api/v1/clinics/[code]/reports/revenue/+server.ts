import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { revenueReport } from '$lib/server/billing/reports';
import { revenueView } from '$lib/server/openapi/billing';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(revenueView.parse(await revenueReport(db, ctx, Object.fromEntries(url.searchParams))));
});

export const fallback = methodNotAllowed('GET');
