import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { can } from '$lib/server/tenancy/policy';
import { setStaffDuty } from '$lib/server/tenancy/setStaffDuty';
import { projectClinicStaff } from '$lib/server/sync/projections/staff';
import { clinicToday } from '$lib/time';
import { documentName } from '$lib/sync/protocol';
import { homeToday } from '$lib/server/home/today';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { clinic, ctx } = await requireClinic(event, event.params.clinic);
	event.depends('tabeeb:home');
	const { db } = await getDatabase();
	const name = documentName.staff(clinic.id);
	const day = clinicToday(clinic.timezone);
	// The same content the live document carries, so the page is right before the socket connects.
	const initial = await projectClinicStaff(db, { type: 'staff', clinicId: clinic.id });
	return {
		staffDocument: name,
		initial,
		canManageDuty: can(ctx.actor, 'duty.manage'),
		// The role's day; the page reloads it when the day's queue or calendar document changes.
		today: await homeToday(db, ctx, clinic, day),
		watch: [documentName.queue(clinic.id, day), documentName.calendar(clinic.id, day)]
	};
};

const asBoolean = (value: string | undefined) => (value === 'true' ? true : value === 'false' ? false : value);

export const actions: Actions = {
	duty: async (event) => {
		const { clinic, ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await setStaffDuty(db, ctx, { userId: values.userId, day: clinicToday(clinic.timezone), onDuty: asBoolean(values.onDuty) });
		} catch (e) {
			return formFailure(e, values);
		}
		return { saved: true };
	}
};
