import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/notifications/policy';
import { undeliveredEvents } from '$lib/server/notifications/queries';
import { retryNotification } from '$lib/server/notifications/retry';
import { formFailure, formValues } from '$lib/server/edge';
import type { Actions, PageServerLoad } from './$types';

/** Failed and waiting notifications of this clinic, so an admin sees when email or push is not getting through. */
export const load: PageServerLoad = async (event) => {
	const { ctx } = await requireClinic(event, event.params.clinic);
	if (!can(ctx.actor, 'notifications.view')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const { db } = await getDatabase();
	const events = await undeliveredEvents(db, ctx.clinicId);
	return {
		events: events.map((e) => ({ ...e, createdAt: e.createdAt.toISOString(), nextTryAt: e.nextTryAt?.toISOString() ?? null }))
	};
};

export const actions: Actions = {
	/** Sends a failed notification again, from the start of its attempts. */
	retry: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await retryNotification(db, ctx, { eventId: values.eventId });
		} catch (e) {
			return formFailure(e);
		}
		return { retried: true };
	}
};
