import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { writeChart } from '$lib/server/visits/writeChart';
import { chartView } from '$lib/server/openapi/visits';
import type { RequestHandler } from './$types';

export const PATCH: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return json(chartView.parse(await writeChart(db, ctx, resourceId(params.id), body)));
});

export const fallback = methodNotAllowed('PATCH');
