import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, readJson, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { mergePatients } from '$lib/server/patients/mergePatients';
import { mergeView } from '$lib/server/openapi/patients';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const survivorId = resourceId(params.id);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return json(mergeView.parse(await mergePatients(db, ctx, survivorId, body)));
});

export const fallback = methodNotAllowed('POST');
