import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, readJson, requireApiUser } from '$lib/server/edge/api';
import { createClinic } from '$lib/server/tenancy/createClinic';
import { clinicView } from '$lib/server/openapi/tenancy';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, request }) => {
	const user = requireApiUser(locals);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return created(clinicView.parse(await createClinic(db, user.id, body)));
});

export const fallback = methodNotAllowed('POST');
