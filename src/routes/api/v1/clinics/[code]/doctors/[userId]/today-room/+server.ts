import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, readJson, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { setTodayRoom } from '$lib/server/queue/rooms';
import { todayRoomView } from '$lib/server/openapi/rooms';
import type { RequestHandler } from './$types';

export const PUT: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readJson(request);
	const roomId = typeof body === 'object' && body !== null && 'roomId' in body ? body.roomId : undefined;
	const { db } = await getDatabase();
	return json(todayRoomView.parse(await setTodayRoom(db, ctx, { doctorId: resourceId(params.userId), roomId })));
});

export const fallback = methodNotAllowed('PUT');
