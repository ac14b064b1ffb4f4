import { error, fail } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/pharmacy/policy';
import { addMedicine, listClinicMedicines, searchClinicMedicines } from '$lib/server/pharmacy/medicines';
import { copyCatalogue, importMedicinesCsv } from '$lib/server/pharmacy/catalogueTransfer';
import { activeMemberships } from '$lib/server/tenancy/queries';
import { DOSAGE_FORMS, ROUTES } from '$lib/server/pharmacy/catalogue';
import type { Actions, PageServerLoad } from './$types';

const SHOWN = 100;

async function admin(event: Parameters<PageServerLoad>[0] | Parameters<Actions[string]>[0]) {
	const access = await requireClinic(event, event.params.clinic ?? '');
	if (!can(access.ctx.actor, 'medicine.import')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	return access;
}

export const load: PageServerLoad = async (event) => {
	const { ctx } = await admin(event);
	const { db } = await getDatabase();
	const q = event.url.searchParams.get('q')?.slice(0, 120) ?? '';
	const all = q.trim() === '' ? await listClinicMedicines(db, ctx) : null;
	const medicines = all ? all.slice(0, SHOWN) : await searchClinicMedicines(db, ctx, { q }, SHOWN);
	const branches = (await activeMemberships(db, ctx.actor.userId)).filter((m) => m.role === 'admin' && m.clinicId !== ctx.clinicId);
	return {
		q,
		medicines,
		total: all?.length ?? null,
		branches: branches.map((b) => ({ code: b.clinicCode, name: b.clinicName })),
		forms: [...DOSAGE_FORMS],
		routes: [...ROUTES]
	};
};

function refused(form: string, e: unknown, values: Record<string, string>) {
	const failure = formFailure(e, values);
	return fail(failure.status, { ...failure.data, form });
}

export const actions: Actions = {
	add: async (event) => {
		const { ctx } = await admin(event);
		const v = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			const brandNames = (v.brandNames ?? '')
				.split(',')
				.map((b) => b.trim())
				.filter(Boolean);
			const added = await addMedicine(db, ctx, {
				genericName: v.genericName,
				brandNames,
				form: v.form,
				strength: v.strength,
				route: v.route,
				atcCode: v.atcCode?.trim() ? v.atcCode : undefined
			});
			return { form: 'add', added: `${added.genericName} ${added.strength}` };
		} catch (e) {
			return refused('add', e, v);
		}
	},
	import: async (event) => {
		const { ctx } = await admin(event);
		const data = await event.request.formData();
		const file = data.get('file');
		const pasted = data.get('csv');
		const csv = file instanceof File && file.size > 0 ? await file.text() : typeof pasted === 'string' ? pasted : '';
		const { db } = await getDatabase();
		try {
			return { form: 'import', imported: await importMedicinesCsv(db, ctx, { csv }) };
		} catch (e) {
			return refused('import', e, { csv: file instanceof File && file.size > 0 ? '' : csv.slice(0, 20_000) });
		}
	},
	copy: async (event) => {
		const { ctx } = await admin(event);
		const v = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			return { form: 'copy', copied: { ...(await copyCatalogue(db, ctx, { toClinic: v.toClinic ?? '' })), toClinic: v.toClinic ?? '' } };
		} catch (e) {
			return refused('copy', e, v);
		}
	}
};
