import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { purchaseOrderCsv } from '$lib/server/pharmacy/purchaseOrders';
import { m } from '$lib/paraglide/messages.js';
import type { RequestHandler } from './$types';

/** The purchase order as CSV (one row per line), its headings in the caller's language. */
export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const { ref, csv } = await purchaseOrderCsv(db, ctx, params.id, {
		medicine: m.po_col_medicine(),
		unit: m.po_col_unit(),
		quantity: m.po_col_quantity(),
		received: m.po_col_received(),
		costPrice: m.po_col_cost(),
		lineTotal: m.po_col_line_total()
	});
	return new Response(csv, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${ref}.csv"`,
			'cache-control': 'no-store'
		}
	});
});

export const fallback = methodNotAllowed('GET');
