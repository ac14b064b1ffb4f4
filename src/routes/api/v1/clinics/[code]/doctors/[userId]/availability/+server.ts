import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, readJson, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { setAvailability } from '$lib/server/scheduling/setAvailability';
import { availabilityView } from '$lib/server/openapi/scheduling';
import type { RequestHandler } from './$types';

export const PUT: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const doctorId = resourceId(params.userId);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return json(availabilityView.parse(await setAvailability(db, ctx, doctorId, body)));
});

export const fallback = methodNotAllowed('PUT');
