import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { forbidden } from '$lib/server/errors';
import { apiRoute, created, methodNotAllowed, readJson, requireApiClinic } from '$lib/server/edge/api';
import { can } from '$lib/server/queue/policy';
import { createRoom, listRooms } from '$lib/server/queue/rooms';
import { roomView, roomsView } from '$lib/server/openapi/rooms';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	if (!can(ctx.actor, 'queue.view')) throw forbidden();
	const { db } = await getDatabase();
	return json(roomsView.parse({ rooms: await listRooms(db, ctx.clinicId) }));
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return created(roomView.parse(await createRoom(db, ctx, body)));
});

export const fallback = methodNotAllowed('GET', 'POST');
