import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { collectPrescription } from '$lib/server/pharmacy/dispense';
import { collectView } from '$lib/server/openapi/stock';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return json(collectView.parse(await collectPrescription(db, ctx, resourceId(params.id), body)));
});

export const fallback = methodNotAllowed('POST');
