import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { revokeDisplayKey } from '$lib/server/queue/displayKeys';
import { displayKeyView } from '$lib/server/openapi/queue';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(displayKeyView.parse(await revokeDisplayKey(db, ctx, resourceId(params.id))));
});

export const fallback = methodNotAllowed('DELETE');
