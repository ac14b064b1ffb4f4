import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { recordPayment } from '$lib/server/billing/payments';
import { paymentView } from '$lib/server/openapi/billing';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return created(paymentView.parse(await recordPayment(db, ctx, params.id, body)));
});

export const fallback = methodNotAllowed('POST');
