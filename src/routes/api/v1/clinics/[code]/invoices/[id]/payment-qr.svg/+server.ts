import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { invoicePaymentQrText, qrSvg } from '$lib/server/billing/paymentQr';
import type { RequestHandler } from './$types';

/** The payment QR as an image; refusals stay JSON. */
export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const id = resourceId(params.id);
	const { db } = await getDatabase();
	const text = await invoicePaymentQrText(db, ctx, id, Object.fromEntries(url.searchParams));
	return new Response(await qrSvg(text), { headers: { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' } });
});

export const fallback = methodNotAllowed('GET');
