import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { createPurchaseOrder, listPurchaseOrders } from '$lib/server/pharmacy/purchaseOrders';
import { purchaseOrderView, purchaseOrdersView } from '$lib/server/openapi/purchasing';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const query = Object.fromEntries([...url.searchParams].filter(([k]) => k === 'status'));
	return json(purchaseOrdersView.parse(await listPurchaseOrders(db, ctx, query)));
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return created(purchaseOrderView.parse(await createPurchaseOrder(db, ctx, body)));
});

export const fallback = methodNotAllowed('GET', 'POST');
