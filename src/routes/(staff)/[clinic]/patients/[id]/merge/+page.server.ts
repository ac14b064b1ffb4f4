import { error, redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { formatRef } from '$lib/server/tenancy/counters';
import { can } from '$lib/server/patients/policy';
import { getPatient, searchPatients } from '$lib/server/patients/queries';
import { mergePatients } from '$lib/server/patients/mergePatients';
import { previewMerge } from '$lib/server/patients/mergePreview';
import { clinicToday } from '$lib/time';
import { resultOf } from '../../forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { clinic, ctx } = await requireClinic(event, event.params.clinic);
	if (!can(ctx.actor, 'patient.merge')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const { db } = await getDatabase();
	const survivor = await getPatient(db, clinic.id, event.params.id);
	if (!survivor) error(404, { message: errorMessage('not_found'), code: 'not_found' });
	// A merged-away record explains itself on its own page; it cannot absorb another.
	if (survivor.mergedIntoId) redirect(303, `/${clinic.code}/patients/${survivor.id}`);
	const today = clinicToday(clinic.timezone);
	const q = (event.url.searchParams.get('q') ?? '').trim().slice(0, 100);
	const withId = event.url.searchParams.get('with') ?? '';
	const found = q ? await searchPatients(db, clinic.id, q, 15) : [];
	const other = withId && withId !== survivor.id ? await getPatient(db, clinic.id, withId) : null;
	const pickHref = (id: string) => `/${clinic.code}/patients/${survivor.id}/merge?q=${encodeURIComponent(q)}&with=${id}`;
	const comparable = other && !other.mergedIntoId ? other : null;
	return {
		today,
		q,
		survivor: { ...survivor, ref: formatRef(clinic.code, 'P', survivor.refNo) },
		results: found.filter((p) => p.id !== survivor.id).map((p) => resultOf(p, clinic.code, today, pickHref(p.id))),
		other: comparable ? { ...comparable, ref: formatRef(clinic.code, 'P', comparable.refNo) } : null,
		// What the merge would do to the line and the bookings, by the merge's own rule, shown before confirming.
		effects: comparable ? await previewMerge(db, ctx, survivor.id, comparable.id) : null
	};
};

export const actions: Actions = {
	default: async (event) => {
		const { clinic, ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await mergePatients(db, ctx, event.params.id, { mergeId: values.mergeId ?? '', reason: values.reason ?? '' });
		} catch (e) {
			return formFailure(e, { reason: values.reason ?? '' });
		}
		redirect(303, `/${clinic.code}/patients/${event.params.id}?merged=1`);
	}
};
