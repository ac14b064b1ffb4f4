import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { setSessionClinic } from '$lib/server/auth/session';
import { activeMemberships } from '$lib/server/tenancy/queries';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	const { clinic, role } = await requireClinic(event, event.params.clinic);
	const user = event.locals.user!;
	const { db } = await getDatabase();
	if (event.locals.session && event.locals.session.activeClinicId !== clinic.id) await setSessionClinic(db, event.locals.session.id, clinic.id);
	const memberships = await activeMemberships(db, user.id);
	return {
		user: { id: user.id, name: user.name, email: user.email },
		clinic: {
			id: clinic.id,
			code: clinic.code,
			name: clinic.name,
			timezone: clinic.timezone,
			currency: clinic.currency,
			branding: clinic.branding,
			require2fa: clinic.require2fa
		},
		role,
		clinics: memberships.map((m) => ({ code: m.clinicCode, name: m.clinicName, role: m.role }))
	};
};
