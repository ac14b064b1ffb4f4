import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { callNext } from '$lib/server/queue/callNext';
import { tokenView } from '$lib/server/openapi/queue';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return json(tokenView.parse(await callNext(db, ctx, body)));
});

export const fallback = methodNotAllowed('POST');
