import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, readJson, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { updateRoom } from '$lib/server/queue/rooms';
import { roomView } from '$lib/server/openapi/rooms';
import type { RequestHandler } from './$types';

export const PATCH: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return json(roomView.parse(await updateRoom(db, ctx, resourceId(params.id), body)));
});

export const fallback = methodNotAllowed('PATCH');
