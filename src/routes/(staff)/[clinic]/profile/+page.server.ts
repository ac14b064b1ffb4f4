import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { findMember } from '$lib/server/tenancy/queries';
import { updateDoctorProfile } from '$lib/server/tenancy/updateDoctorProfile';
import { doctorProfileFromForm, doctorProfileView } from '$lib/server/tenancy/doctorProfileForm';
import { currencyOf } from '$lib/server/tenancy/money';
import { errorMessage } from '$lib/i18n/errors';
import { listRooms } from '$lib/server/queue/rooms';
import type { Actions, PageServerLoad } from './$types';

/** A doctor's own profile in this clinic; other roles have none. */
async function ownDoctorProfile(event: Parameters<PageServerLoad>[0] | Parameters<Actions[string]>[0]) {
	const access = await requireClinic(event, event.params.clinic ?? '');
	if (access.role !== 'doctor') error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const { db } = await getDatabase();
	const member = await findMember(db, access.clinic.id, access.ctx.actor.userId);
	if (!member) error(404, { message: errorMessage('not_found'), code: 'not_found' });
	return { ...access, db, member };
}

export const load: PageServerLoad = async (event) => {
	const { clinic, db, member } = await ownDoctorProfile(event);
	return { profile: doctorProfileView(member, currencyOf(clinic), event.locals.locale, await listRooms(db, clinic.id)) };
};

export const actions: Actions = {
	default: async (event) => {
		const { clinic, ctx, db, member } = await ownDoctorProfile(event);
		const values = await formValues(event.request);
		try {
			await updateDoctorProfile(db, ctx, member.userId, doctorProfileFromForm(values, currencyOf(clinic)));
			return { saved: true };
		} catch (e) {
			return formFailure(e, values);
		}
	}
};
