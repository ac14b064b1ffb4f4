import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, readJson, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { updateDoctorProfile } from '$lib/server/tenancy/updateDoctorProfile';
import { doctorProfileView } from '$lib/server/openapi/tenancy';
import type { RequestHandler } from './$types';

/** PUT replaces the whole profile: omitted fields take their defaults. */
export const PUT: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const userId = resourceId(params.userId);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return json(doctorProfileView.parse(await updateDoctorProfile(db, ctx, userId, body)));
});

export const fallback = methodNotAllowed('PUT');
