import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { stepPurchaseOrder } from '$lib/server/pharmacy/purchaseOrders';
import { purchaseOrderView } from '$lib/server/openapi/purchasing';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request, { bodyOptional: true });
	const { db } = await getDatabase();
	return json(purchaseOrderView.parse(await stepPurchaseOrder(db, ctx, params.id, 'order', body)));
});

export const fallback = methodNotAllowed('POST');
