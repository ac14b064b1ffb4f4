import { redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

/** Account pages belong to whoever is signed in, staff or patient. */
export const load: LayoutServerLoad = async ({ locals }) => {
	if (!locals.user) redirect(303, '/login');
	return {};
};
