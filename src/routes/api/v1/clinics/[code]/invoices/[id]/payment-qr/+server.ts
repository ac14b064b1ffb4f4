import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { invoicePaymentQr } from '$lib/server/billing/paymentQr';
import { paymentQrView } from '$lib/server/openapi/billing';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const id = resourceId(params.id);
	const { db } = await getDatabase();
	return json(paymentQrView.parse(await invoicePaymentQr(db, ctx, id)));
});

export const fallback = methodNotAllowed('GET');
