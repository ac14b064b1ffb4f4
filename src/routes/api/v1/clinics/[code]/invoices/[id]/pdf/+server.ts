import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { invoicePdfOf } from '$lib/server/billing/invoiceSheet';
import type { RequestHandler } from './$types';

/** The invoice as a bilingual A4 PDF; refusals stay JSON. */
export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const { number, bytes } = await invoicePdfOf(db, ctx, params.id);
	return new Response(new Uint8Array(bytes), {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `inline; filename="${number ?? 'draft-invoice'}.pdf"`,
			'cache-control': 'no-store'
		}
	});
});

export const fallback = methodNotAllowed('GET');
