import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { voidInvoice } from '$lib/server/billing/invoices';
import { voidedView } from '$lib/server/openapi/billing';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return json(voidedView.parse(await voidInvoice(db, ctx, params.id, body)));
});

export const fallback = methodNotAllowed('POST');
