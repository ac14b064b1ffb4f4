import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { setReorderLevels } from '$lib/server/pharmacy/inventory';
import { reorderView } from '$lib/server/openapi/inventory';
import type { RequestHandler } from './$types';

export const PUT: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return json(reorderView.parse(await setReorderLevels(db, ctx, resourceId(params.id), body)));
});

export const fallback = methodNotAllowed('PUT');
