import { getDatabase } from '$lib/server/db';
import { activeMemberships, clinicMembership } from '$lib/server/tenancy/queries';
import type { LayoutServerLoad } from './$types';

/**
 * The shell around account pages: staff see the navigation of the clinic they last used (or
 * their first), patients see the patient navigation.
 */
export const load: LayoutServerLoad = async ({ locals }) => {
	const user = locals.user!;
	const shellUser = { name: user.name, kind: user.kind };
	if (user.kind === 'patient') return { shell: { user: shellUser, clinics: [], current: null, accent: null } };
	const { db } = await getDatabase();
	const memberships = await activeMemberships(db, user.id);
	const active = memberships.find((m) => m.clinicId === locals.session?.activeClinicId) ?? memberships[0];
	const access = active ? await clinicMembership(db, user.id, { id: active.clinicId }) : null;
	return {
		shell: {
			user: shellUser,
			clinics: memberships.map((m) => ({ code: m.clinicCode, name: m.clinicName, role: m.role })),
			current: access ? { code: access.clinic.code, name: access.clinic.name, role: access.role } : null,
			accent: access?.clinic.branding.color ?? null
		}
	};
};
