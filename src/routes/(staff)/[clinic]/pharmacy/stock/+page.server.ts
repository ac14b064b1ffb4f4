import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/pharmacy/policy';
import { activeSuppliers, canSetReorder, receivableMedicines, setReorderLevels, stockOverview } from '$lib/server/pharmacy/inventory';
import { adjustStock, pharmacyClinic, receiveBatch, stockMovements } from '$lib/server/pharmacy/stock';
import { ADJUSTMENT_REASONS } from '$lib/server/pharmacy/stockSchema';
import { transferBranches, transferStock } from '$lib/server/pharmacy/transfers';
import { isUuid } from '$lib/server/text';
import { documentName } from '$lib/sync/protocol';
import { formAmount, formUnits } from './formNumbers';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, url }) => {
	const { clinic, role, user } = await parent();
	const actor = { userId: user.id, role };
	if (!can(actor, 'stock.view')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const ctx = { clinicId: clinic.id, actor };
	const { db } = await getDatabase();
	const overview = await stockOverview(db, ctx);
	const shown = url.searchParams.get('movements') ?? '';
	const movementsOf = isUuid(shown) && overview.medicines.some((med) => med.id === shown) ? shown : null;
	return {
		overview,
		suppliers: can(actor, 'stock.receive') ? await activeSuppliers(db, ctx) : [],
		catalogue: can(actor, 'stock.receive') ? await receivableMedicines(db, ctx) : [],
		movementsOf,
		movements: movementsOf ? (await stockMovements(db, ctx, { medicineId: movementsOf })).movements.slice(0, 200) : [],
		reasons: [...ADJUSTMENT_REASONS],
		canReceive: can(actor, 'stock.receive'),
		canAdjust: can(actor, 'stock.adjust'),
		canSetReorder: canSetReorder(actor),
		branches: (await transferBranches(db, ctx)).map((b) => ({ code: b.code, name: b.name })),
		pharmacyDocument: documentName.pharmacy(clinic.id)
	};
};

export const actions: Actions = {
	receive: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			const exponent = (await pharmacyClinic(db, ctx.clinicId)).currencyExponent;
			await receiveBatch(db, ctx, values.medicineId ?? '', {
				batchNumber: values.batchNumber ?? '',
				expiry: values.expiry ?? '',
				quantity: formUnits(values.quantity),
				costPrice: formAmount(values.costPrice, exponent),
				salePrice: formAmount(values.salePrice, exponent),
				supplierId: values.supplierId || undefined,
				idempotencyKey: values.idempotencyKey || undefined
			});
		} catch (e) {
			return formFailure(e, values);
		}
		return { done: 'received', medicineId: values.medicineId };
	},
	adjust: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		const quantity = formUnits(values.quantity);
		try {
			await adjustStock(db, ctx, {
				batchId: values.batchId ?? '',
				quantity: values.direction === 'remove' && typeof quantity === 'number' ? -quantity : quantity,
				reason: values.reason ?? '',
				note: values.note ?? '',
				idempotencyKey: values.idempotencyKey || undefined
			});
		} catch (e) {
			return formFailure(e, values);
		}
		return { done: 'adjusted', batchId: values.batchId };
	},
	transfer: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			const done = await transferStock(db, ctx, {
				batchId: values.batchId ?? '',
				quantity: formUnits(values.quantity),
				toClinic: values.toClinic ?? '',
				reason: values.reason ?? '',
				idempotencyKey: values.idempotencyKey ?? ''
			});
			return { done: 'transferred', quantity: done.quantity, toClinic: done.to.clinic };
		} catch (e) {
			return formFailure(e, { ...values, form: 'transfer' });
		}
	},
	reorder: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await setReorderLevels(db, ctx, values.medicineId ?? '', {
				reorderLevel: formUnits(values.reorderLevel ?? '0'),
				reorderQuantity: formUnits(values.reorderQuantity ?? '0')
			});
		} catch (e) {
			return formFailure(e, values);
		}
		return { done: 'reorder', medicineId: values.medicineId };
	}
};
