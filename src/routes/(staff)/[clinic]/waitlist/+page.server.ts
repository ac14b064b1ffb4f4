import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/scheduling/policy';
import { clinicDoctors } from '$lib/server/tenancy/doctors';
import { declineWaitlistOffer, joinWaitlist, withdrawFromWaitlist } from '$lib/server/scheduling/waitlist';
import { acceptWaitlistOffer } from '$lib/server/scheduling/acceptWaitlistOffer';
import { projectClinicWaitlist } from '$lib/server/scheduling/project';
import { documentName } from '$lib/sync/protocol';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
	const { clinic, role, user } = await parent();
	const actor = { userId: user.id, role };
	if (!can(actor, 'appointment.book')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const { db } = await getDatabase();
	const ref = { type: 'waitlist', clinicId: clinic.id } as const;
	// The same content the live document carries, so the page is right before the socket connects.
	const [initial, doctors] = await Promise.all([projectClinicWaitlist(db, ref), clinicDoctors(db, clinic.id)]);
	return { doctors, initial, waitlistDocument: documentName.waitlist(clinic.id), canWithdraw: can(actor, 'appointment.change') };
};

const optional = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

export const actions: Actions = {
	join: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await joinWaitlist(db, ctx, {
				patientId: values.patientId,
				doctorId: values.doctorId,
				currentAppointmentId: optional(values.currentAppointmentId),
				note: values.note
			});
		} catch (e) {
			return formFailure(e, values);
		}
		return { done: 'joined' };
	},
	withdraw: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await withdrawFromWaitlist(db, ctx, values.entryId ?? '');
		} catch (e) {
			return formFailure(e, values);
		}
		return { done: 'withdrawn' };
	},
	decline: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await declineWaitlistOffer(db, ctx, values.entryId ?? '');
		} catch (e) {
			return formFailure(e, values);
		}
		return { done: 'declined' };
	},
	book: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		let result: Awaited<ReturnType<typeof acceptWaitlistOffer>>;
		try {
			result = await acceptWaitlistOffer(db, ctx, values.entryId ?? '', values.idempotencyKey || undefined);
		} catch (e) {
			return formFailure(e, values);
		}
		const { booked, moved } = result;
		return { done: moved ? 'moved' : 'booked', start: booked.start };
	}
};
