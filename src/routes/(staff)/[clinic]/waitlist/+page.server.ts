import { error } from '@sveltejs/kit';
import '$lib/components/scheduling/errorMessages';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/scheduling/policy';
import { clinicDoctors } from '$lib/server/scheduling/queries';
import { clinicWaitlist, joinWaitlist, withdrawFromWaitlist } from '$lib/server/scheduling/waitlist';
import { acceptWaitlistOffer } from '$lib/server/scheduling/acceptWaitlistOffer';
import { publishCalendarChange } from '$lib/server/scheduling/project';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
	const { clinic, role, user } = await parent();
	const actor = { userId: user.id, role };
	if (!can(actor, 'appointment.book')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const { db } = await getDatabase();
	const [entries, doctors] = await Promise.all([clinicWaitlist(db, clinic.id), clinicDoctors(db, clinic.id)]);
	return {
		doctors,
		entries: entries.map((e) => ({ ...e, offeredStart: e.offeredStart?.toISOString() ?? null, createdAt: e.createdAt.toISOString() })),
		canWithdraw: can(actor, 'appointment.change')
	};
};

export const actions: Actions = {
	join: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await joinWaitlist(db, ctx, { patientId: values.patientId, doctorId: values.doctorId, note: values.note });
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
	book: async (event) => {
		const { clinic, ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			const { booked, moved } = await acceptWaitlistOffer(db, ctx, values.entryId ?? '', values.idempotencyKey ?? '');
			await publishCalendarChange(ctx.clinicId, clinic.timezone, [booked.start, ...(moved ? [moved] : [])]);
		} catch (e) {
			return formFailure(e, values);
		}
		return { done: 'booked' };
	}
};
