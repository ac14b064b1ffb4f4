import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, readJson, requireApiClinic } from '$lib/server/edge/api';
import { addClinicClosure } from '$lib/server/scheduling/setAvailability';
import { closureView } from '$lib/server/openapi/scheduling';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return created(closureView.parse(await addClinicClosure(db, ctx, body)));
});

export const fallback = methodNotAllowed('POST');
