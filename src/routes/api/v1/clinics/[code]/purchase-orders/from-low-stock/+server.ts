import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { orderFromLowStock } from '$lib/server/pharmacy/purchaseOrders';
import { purchaseOrderView } from '$lib/server/openapi/purchasing';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return created(purchaseOrderView.parse(await orderFromLowStock(db, ctx, body)));
});

export const fallback = methodNotAllowed('POST');
