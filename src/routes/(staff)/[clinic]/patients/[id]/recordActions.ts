import type { RequestEvent } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import type { ClinicContext } from '$lib/server/tenancy/context';
import type { Db } from '$lib/server/db';
import { recordAllergy, recordCondition, recordMedication, removeAllergy, resolveCondition, setBloodGroup, stopMedication } from '$lib/server/patients/record';

/**
 * The clinical record's form actions: each reads its form, calls one command and names its form
 * in a refusal, so the page shows every field's message beside that form's fields.
 */

type Change = (db: Db, ctx: ClinicContext, patientId: string, values: Record<string, string>) => Promise<unknown>;

function recordAction(form: string, change: Change) {
	return async (event: RequestEvent<{ clinic: string; id: string }>) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await change(db, ctx, event.params.id, values);
		} catch (e) {
			return formFailure(e, { ...values, form });
		}
		return { recordSaved: form };
	};
}

const key = (values: Record<string, string>) => values.idempotencyKey || undefined;

export const recordActions = {
	addAllergy: recordAction('allergy', (db, ctx, id, v) =>
		recordAllergy(db, ctx, id, { substance: v.substance ?? '', reaction: v.reaction ?? '', severity: v.severity ?? '', idempotencyKey: key(v) })
	),
	removeAllergy: recordAction('allergies', (db, ctx, id, v) => removeAllergy(db, ctx, id, v.entryId ?? '')),
	addCondition: recordAction('condition', (db, ctx, id, v) =>
		recordCondition(db, ctx, id, { name: v.name ?? '', code: v.code ?? '', since: v.since ?? '', idempotencyKey: key(v) })
	),
	resolveCondition: recordAction('conditions', (db, ctx, id, v) => resolveCondition(db, ctx, id, v.entryId ?? '')),
	addMedication: recordAction('medication', (db, ctx, id, v) =>
		recordMedication(db, ctx, id, { name: v.name ?? '', dose: v.dose ?? '', idempotencyKey: key(v) })
	),
	stopMedication: recordAction('medications', (db, ctx, id, v) => stopMedication(db, ctx, id, v.entryId ?? '')),
	setBloodGroup: recordAction('bloodGroup', (db, ctx, id, v) => setBloodGroup(db, ctx, id, { bloodGroup: v.bloodGroup ? v.bloodGroup : null }))
};
