import { getDatabase } from '$lib/server/db';
import { formValues } from '$lib/server/edge';
import { getPurchaseOrder, receivePurchaseOrder, stepPurchaseOrder } from '$lib/server/pharmacy/purchaseOrders';
import { pharmacyClinic } from '$lib/server/pharmacy/stock';
import { currencyOf, formatMajorAmount, formatMoney, parseMajorAmount } from '$lib/server/tenancy/money';
import { badRequest } from '$lib/server/errors';
import { getLocale } from '$lib/paraglide/runtime';
import { formatLocale } from '$lib/i18n/formatLocale';
import { m } from '$lib/paraglide/messages.js';
import { purchasing, refused } from '../manage';
import type { Actions, PageServerLoad } from './$types';

const MAX_AMOUNT = 1_000_000_000_000;

export const load: PageServerLoad = async (event) => {
	const { ctx } = await purchasing(event);
	const { db } = await getDatabase();
	const order = await getPurchaseOrder(db, ctx, event.params.id);
	const currency = currencyOf(await pharmacyClinic(db, ctx.clinicId));
	const locale = formatLocale(getLocale());
	return {
		order: {
			...order,
			totalText: formatMoney(order.total, currency, locale),
			lines: order.lines.map((l) => ({
				...l,
				costText: formatMoney(l.costPrice, currency, locale),
				costMajor: formatMajorAmount(l.costPrice, currency),
				lineTotalText: formatMoney(l.costPrice * l.quantity, currency, locale)
			}))
		},
		currency
	};
};

function step(name: 'order' | 'cancel') {
	return async (event: Parameters<Actions[string]>[0]) => {
		const { ctx } = await purchasing(event);
		const v = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await stepPurchaseOrder(db, ctx, event.params.id ?? '', name, { idempotencyKey: v.idempotencyKey });
			return { form: name, done: true };
		} catch (e) {
			return refused(name, e, v);
		}
	};
}

export const actions: Actions = {
	order: step('order'),
	cancel: step('cancel'),
	receive: async (event) => {
		const { ctx } = await purchasing(event);
		const v = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			const currency = currencyOf(await pharmacyClinic(db, ctx.clinicId));
			const count = Math.min(Number(v.count ?? 0) || 0, 200);
			const lines: Record<string, unknown>[] = [];
			for (let i = 0; i < count; i++) {
				if (!v[`quantity${i}`]) continue;
				const n: number = lines.length;
				lines.push({
					lineId: v[`lineId${i}`] ?? '',
					batchNumber: v[`batch${i}`] ?? '',
					expiry: v[`expiry${i}`] ?? '',
					quantity: Number(v[`quantity${i}`]),
					costPrice: parseMajorAmount(v[`cost${i}`], currency, MAX_AMOUNT, `lines.${n}.costPrice`),
					salePrice: parseMajorAmount(v[`sale${i}`], currency, MAX_AMOUNT, `lines.${n}.salePrice`)
				});
			}
			if (lines.length === 0) throw badRequest(m.po_receive_nothing(), 'lines', 'field_required');
			await receivePurchaseOrder(db, ctx, event.params.id ?? '', { lines, idempotencyKey: v.idempotencyKey });
			return { form: 'receive', done: true };
		} catch (e) {
			return refused('receive', e, v);
		}
	}
};
