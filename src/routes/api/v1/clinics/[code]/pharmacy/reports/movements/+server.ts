import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { medicineMovementReport } from '$lib/server/pharmacy/reports';
import { movementReportView } from '$lib/server/openapi/stockReports';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const query = Object.fromEntries([...url.searchParams].filter(([k]) => k === 'medicineId' || k === 'from' || k === 'to' || k === 'kind'));
	return json(movementReportView.parse(await medicineMovementReport(db, ctx, query)));
});

export const fallback = methodNotAllowed('GET');
