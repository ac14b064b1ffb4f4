import { redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { getDatabase } from '$lib/server/db';
import { formFailure, formValues } from '$lib/server/edge';
import { patientBookingChoices, requestAppointmentAsPatient } from '$lib/server/scheduling/patientBooking';
import type { Actions, PageServerLoad } from './$types';

/** The patient picks a clinic they are linked to, a doctor and a date; the page lists that doctor's free times. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const { db } = await getDatabase();
	const choices = await patientBookingChoices(db, locals.user!.id, {
		clinic: url.searchParams.get('clinic') ?? undefined,
		doctor: url.searchParams.get('doctor') ?? undefined,
		date: url.searchParams.get('date') ?? undefined
	});
	// A fresh key per page: a double-clicked or retried submit of this form books once.
	return { ...choices, idempotencyKey: randomUUID() };
};

export const actions: Actions = {
	request: async ({ locals, request }) => {
		if (!locals.user || locals.user.kind !== 'patient') redirect(303, '/login');
		const values = await formValues(request);
		const { db } = await getDatabase();
		let ref: string;
		try {
			const booked = await requestAppointmentAsPatient(db, locals.user.id, values);
			ref = booked.ref;
		} catch (e) {
			return formFailure(e, { reason: values.reason ?? '', start: values.start ?? '' });
		}
		redirect(303, `/me?requested=${encodeURIComponent(ref)}`);
	}
};
