import { eq } from 'drizzle-orm';
import { getDatabase } from '$lib/server/db';
import { clinic } from '$lib/server/db/schema';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { authorName, getPurchaseOrder } from '$lib/server/pharmacy/purchaseOrders';
import { purchaseOrderPdf } from '$lib/server/pharmacy/purchaseOrderPdf';
import { currencyOf, formatMoney } from '$lib/server/tenancy/money';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime';
import { formatLocale } from '$lib/i18n/formatLocale';
import { purchaseOrderStatusLabel } from '$lib/components/pharmacy/purchaseOrderLabels';
import type { RequestHandler } from './$types';

/** The purchase order as an A4 PDF, its labels in the caller's language; refusals stay JSON. */
export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const order = await getPurchaseOrder(db, ctx, params.id);
	const [home] = await db.select().from(clinic).where(eq(clinic.id, ctx.clinicId));
	const locale = formatLocale(getLocale());
	const currency = currencyOf(home);
	const dateText = new Intl.DateTimeFormat(locale, { timeZone: home.timezone, day: 'numeric', month: 'long', year: 'numeric' }).format(
		new Date(order.createdAt)
	);
	const bytes = await purchaseOrderPdf(order, { name: home.name, city: home.city }, await authorName(db, order.createdBy), {
		title: m.po_print_title(),
		supplier: m.po_supplier(),
		date: m.po_date(),
		dateText,
		status: purchaseOrderStatusLabel(order.status),
		orderedBy: m.po_prepared_by(),
		medicine: m.po_col_medicine(),
		quantity: m.po_col_quantity(),
		costPrice: m.po_col_cost(),
		lineTotal: m.po_col_line_total(),
		total: m.po_total(),
		note: m.po_note(),
		money: (minor) => formatMoney(minor, currency, locale),
		direction: getLocale() === 'ur' ? 'rtl' : 'ltr'
	});
	return new Response(new Uint8Array(bytes), {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `inline; filename="${order.ref}.pdf"`,
			'cache-control': 'no-store'
		}
	});
});

export const fallback = methodNotAllowed('GET');
