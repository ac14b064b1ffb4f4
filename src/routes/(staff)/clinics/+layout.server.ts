import { error, redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { activeMemberships, clinicMembership } from '$lib/server/tenancy/queries';
import { errorMessage } from '$lib/i18n/errors';
import type { LayoutServerLoad } from './$types';

/**
 * Staff pages that belong to no single clinic. The app bar still shows the clinic the person
 * was working in (the session's), so the switcher and navigation stay where they were.
 */
export const load: LayoutServerLoad = async ({ locals, url }) => {
	const user = locals.user;
	if (!user) redirect(303, `/login?next=${encodeURIComponent(url.pathname)}`);
	if (user.kind !== 'staff') error(404, { message: errorMessage('not_found'), code: 'not_found' });
	const { db } = await getDatabase();
	const memberships = await activeMemberships(db, user.id);
	const current = memberships.find((m) => m.clinicId === locals.session?.activeClinicId) ?? memberships[0] ?? null;
	const access = current ? await clinicMembership(db, user.id, { id: current.clinicId }) : null;
	return {
		user: { id: user.id, name: user.name, email: user.email },
		clinics: memberships.map((m) => ({ code: m.clinicCode, name: m.clinicName, role: m.role })),
		current: access
			? {
					id: access.clinic.id,
					code: access.clinic.code,
					name: access.clinic.name,
					role: access.role,
					accent: access.clinic.branding.color ?? null,
					country: access.clinic.country,
					timezone: access.clinic.timezone,
					currency: access.clinic.currency
				}
			: null
	};
};
