import { redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { activeMemberships, isSetupDone } from '$lib/server/tenancy/queries';
import type { PageServerLoad } from './$types';

/** The start page only sends people where they belong. */
export const load: PageServerLoad = async ({ locals }) => {
	const { db } = await getDatabase();
	if (!(await isSetupDone(db))) redirect(303, '/setup');
	if (!locals.user) redirect(303, '/login');
	if (locals.user.kind === 'patient') redirect(303, '/me');
	const memberships = await activeMemberships(db, locals.user.id);
	const preferred = memberships.find((m) => m.clinicId === locals.session?.activeClinicId) ?? memberships[0];
	if (preferred) redirect(303, `/${preferred.clinicCode}`);
	redirect(303, '/account/security');
};
