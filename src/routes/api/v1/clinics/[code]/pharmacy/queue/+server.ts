import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { pharmacyQueue } from '$lib/server/pharmacy/dispense';
import { queueView } from '$lib/server/openapi/stock';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(queueView.parse(await pharmacyQueue(db, ctx)));
});

export const fallback = methodNotAllowed('GET');
