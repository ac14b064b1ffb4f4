import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { receivePurchaseOrder } from '$lib/server/pharmacy/purchaseOrders';
import { receiptView } from '$lib/server/openapi/purchasing';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return json(receiptView.parse(await receivePurchaseOrder(db, ctx, params.id, body)));
});

export const fallback = methodNotAllowed('POST');
