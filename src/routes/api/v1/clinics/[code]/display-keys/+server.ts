import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, readJson, requireApiClinic } from '$lib/server/edge/api';
import { createDisplayKey, listDisplayKeys } from '$lib/server/queue/displayKeys';
import { displayKeyCreatedView, displayKeysView } from '$lib/server/openapi/queue';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(displayKeysView.parse({ keys: await listDisplayKeys(db, ctx) }));
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return created(displayKeyCreatedView.parse(await createDisplayKey(db, ctx, body)));
});

export const fallback = methodNotAllowed('GET', 'POST');
