import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { listConditions } from '$lib/server/patients/clinicalRecord';
import { recordCondition } from '$lib/server/patients/record';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json({ conditions: await listConditions(db, ctx, resourceId(params.id)) });
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const id = resourceId(params.id);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return created(await recordCondition(db, ctx, id, body));
});

export const fallback = methodNotAllowed('GET', 'POST');
