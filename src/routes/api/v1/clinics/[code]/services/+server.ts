import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { createService, listServices } from '$lib/server/billing/services';
import { serviceView, servicesView } from '$lib/server/openapi/billing';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(servicesView.parse(await listServices(db, ctx)));
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return created(serviceView.parse(await createService(db, ctx, body)));
});

export const fallback = methodNotAllowed('GET', 'POST');
