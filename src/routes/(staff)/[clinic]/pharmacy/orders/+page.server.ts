import { redirect } from '@sveltejs/kit';
import { and, asc, eq } from 'drizzle-orm';
import { getDatabase } from '$lib/server/db';
import { medicine } from '$lib/server/db/schema';
import { formValues } from '$lib/server/edge';
import { listSuppliers } from '$lib/server/pharmacy/suppliers';
import { createPurchaseOrder, listPurchaseOrders, medicineLabel, orderFromLowStock } from '$lib/server/pharmacy/purchaseOrders';
import { pharmacyClinic } from '$lib/server/pharmacy/stock';
import { currencyOf, formatMoney, parseMajorAmount } from '$lib/server/tenancy/money';
import { getLocale } from '$lib/paraglide/runtime';
import { formatLocale } from '$lib/i18n/formatLocale';
import { purchasing, refused } from './manage';
import type { Actions, PageServerLoad } from './$types';

/** Rows of the by-hand order form. */
const ROWS = 6;

export const load: PageServerLoad = async (event) => {
	const { ctx } = await purchasing(event);
	const { db } = await getDatabase();
	const [orders, suppliers, medicines, home] = await Promise.all([
		listPurchaseOrders(db, ctx),
		listSuppliers(db, ctx),
		db
			.select({ id: medicine.id, genericName: medicine.genericName, strength: medicine.strength, form: medicine.form })
			.from(medicine)
			.where(and(eq(medicine.clinicId, ctx.clinicId), eq(medicine.archived, false)))
			.orderBy(asc(medicine.genericName), asc(medicine.strength))
			.limit(2000),
		pharmacyClinic(db, ctx.clinicId)
	]);
	return {
		orders: orders.orders.map((o) => ({
			...o,
			totalText: formatMoney(o.total, currencyOf(home), formatLocale(getLocale())),
			dateText: new Intl.DateTimeFormat(formatLocale(getLocale()), { timeZone: home.timezone, day: 'numeric', month: 'short', year: 'numeric' }).format(
				new Date(o.createdAt)
			)
		})),
		suppliers: suppliers.suppliers.filter((s) => !s.archived).map((s) => ({ id: s.id, name: s.name })),
		medicines: medicines.map((med) => ({ id: med.id, label: medicineLabel(med) })),
		currency: currencyOf(home),
		rows: ROWS
	};
};

export const actions: Actions = {
	lowStock: async (event) => {
		const { ctx, clinic } = await purchasing(event);
		const v = await formValues(event.request);
		const { db } = await getDatabase();
		let id: string;
		try {
			id = (await orderFromLowStock(db, ctx, { supplierId: v.supplierId ?? '', idempotencyKey: v.idempotencyKey })).id;
		} catch (e) {
			return refused('lowStock', e, v);
		}
		redirect(303, `/${clinic.code}/pharmacy/orders/${id}`);
	},
	create: async (event) => {
		const { ctx, clinic } = await purchasing(event);
		const v = await formValues(event.request);
		const { db } = await getDatabase();
		let id: string;
		try {
			const currency = currencyOf(await pharmacyClinic(db, ctx.clinicId));
			const lines: Record<string, unknown>[] = [];
			for (let i = 0; i < ROWS; i++) {
				if (!v[`medicineId${i}`]) continue;
				const n: number = lines.length;
				lines.push({
					medicineId: v[`medicineId${i}`],
					quantity: Number(v[`quantity${i}`] ?? 'x'),
					costPrice: v[`cost${i}`] ? parseMajorAmount(v[`cost${i}`], currency, 1_000_000_000_000, `lines.${n}.costPrice`) : 0
				});
			}
			id = (await createPurchaseOrder(db, ctx, { supplierId: v.supplierId ?? '', note: v.note ?? '', lines, idempotencyKey: v.idempotencyKey })).id;
		} catch (e) {
			return refused('create', e, v);
		}
		redirect(303, `/${clinic.code}/pharmacy/orders/${id}`);
	}
};
