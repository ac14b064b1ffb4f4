import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { closeDay, deskDay } from '$lib/server/billing/dayClose';
import { dayCloseView, deskDayView } from '$lib/server/openapi/billing';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(deskDayView.parse(await deskDay(db, ctx, Object.fromEntries(url.searchParams))));
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return created(dayCloseView.parse(await closeDay(db, ctx, body)));
});

export const fallback = methodNotAllowed('GET', 'POST');
