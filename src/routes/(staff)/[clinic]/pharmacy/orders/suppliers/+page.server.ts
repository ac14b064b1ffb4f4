import { getDatabase } from '$lib/server/db';
import { formValues } from '$lib/server/edge';
import { createSupplier, listSuppliers, updateSupplier } from '$lib/server/pharmacy/suppliers';
import { purchasing, refused } from '../manage';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { ctx } = await purchasing(event);
	const { db } = await getDatabase();
	return { suppliers: (await listSuppliers(db, ctx)).suppliers };
};

const details = (v: Record<string, string>) => ({ name: v.name ?? '', phone: v.phone ?? '', email: v.email ?? '', address: v.address ?? '' });

export const actions: Actions = {
	add: async (event) => {
		const { ctx } = await purchasing(event);
		const v = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await createSupplier(db, ctx, details(v));
			return { form: 'add', added: true };
		} catch (e) {
			return refused('add', e, v);
		}
	},
	save: async (event) => {
		const { ctx } = await purchasing(event);
		const v = await formValues(event.request);
		const { db } = await getDatabase();
		const form = `save-${v.id ?? ''}`;
		try {
			await updateSupplier(db, ctx, v.id ?? '', v.archived ? { archived: v.archived === 'true' } : details(v));
			return { form, saved: true };
		} catch (e) {
			return refused(form, e, v);
		}
	}
};
