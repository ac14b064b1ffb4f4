import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { setBloodGroup } from '$lib/server/patients/record';
import { bloodGroupView } from '$lib/server/openapi/clinicalRecord';
import type { RequestHandler } from './$types';

/** The blood group is part of the clinical record: doctors and nurses set it. */
export const PUT: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const id = resourceId(params.id);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return json(bloodGroupView.parse(await setBloodGroup(db, ctx, id, body)));
});

export const fallback = methodNotAllowed('PUT');
