import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, readJson, requireApiClinic } from '$lib/server/edge/api';
import { getPurchaseOrder, updatePurchaseOrder } from '$lib/server/pharmacy/purchaseOrders';
import { purchaseOrderView } from '$lib/server/openapi/purchasing';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(purchaseOrderView.parse(await getPurchaseOrder(db, ctx, params.id)));
});

export const PATCH: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return json(purchaseOrderView.parse(await updatePurchaseOrder(db, ctx, params.id, body)));
});

export const fallback = methodNotAllowed('GET', 'PATCH');
