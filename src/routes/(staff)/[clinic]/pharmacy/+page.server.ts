import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/pharmacy/policy';
import { collectPrescription, dispensePrescription, pharmacyQueue, preparePrescription, setLineOutcome } from '$lib/server/pharmacy/dispense';
import { projectClinicPharmacy } from '$lib/server/pharmacy/project';
import { documentName } from '$lib/sync/protocol';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
	const { clinic, role, user } = await parent();
	const actor = { userId: user.id, role };
	if (!can(actor, 'pharmacy.view')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const { db } = await getDatabase();
	return {
		initial: await projectClinicPharmacy(db, { type: 'pharmacy', clinicId: clinic.id }),
		pharmacyDocument: documentName.pharmacy(clinic.id),
		canDispense: can(actor, 'prescription.dispense')
	};
};

/** Dispenses what is left of every line still to give (the quantities the screen showed). */
async function dispenseRest(event: Parameters<Actions[string]>[0]) {
	const { ctx } = await requireClinic(event, event.params.clinic);
	const values = await formValues(event.request);
	const { db } = await getDatabase();
	const prescriptionId = values.prescriptionId ?? '';
	try {
		const queue = await pharmacyQueue(db, ctx);
		const found = queue.prescriptions.find((p) => p.id === prescriptionId);
		const open = (found?.lines ?? []).filter((l) => l.status !== 'not_dispensed' && l.status !== 'collected' && l.dispensed < l.prescribed);
		if (!found || open.length === 0) return { done: 'nothing', prescriptionId };
		const result = await dispensePrescription(db, ctx, prescriptionId, {
			lines: open.map((l) => ({ lineId: l.id, quantity: l.prescribed - l.dispensed })),
			idempotencyKey: values.idempotencyKey || undefined
		});
		return { done: result.status === 'ready' ? 'ready' : 'short', prescriptionId };
	} catch (e) {
		return formFailure(e, values);
	}
}

export const actions: Actions = {
	prepare: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await preparePrescription(db, ctx, values.prescriptionId ?? '', { takeOver: values.takeOver === 'true' });
		} catch (e) {
			return formFailure(e, values);
		}
		return { done: 'preparing', prescriptionId: values.prescriptionId };
	},
	dispense: dispenseRest,
	decline: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await setLineOutcome(db, ctx, values.prescriptionId ?? '', values.lineId ?? '', {
				outcome: 'not_dispensed',
				note: values.note ?? '',
				idempotencyKey: values.idempotencyKey || undefined
			});
		} catch (e) {
			return formFailure(e, values);
		}
		return { done: 'declined', prescriptionId: values.prescriptionId };
	},
	collect: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await collectPrescription(db, ctx, values.prescriptionId ?? '', { idempotencyKey: values.idempotencyKey || undefined });
		} catch (e) {
			return formFailure(e, values);
		}
		return { done: 'collected', prescriptionId: values.prescriptionId };
	}
};
