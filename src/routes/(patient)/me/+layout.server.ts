import { redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

/** The patient app. Staff have their clinic instead, so the start page sends them there. */
export const load: LayoutServerLoad = async ({ locals }) => {
	const user = locals.user;
	if (!user) redirect(303, '/login');
	if (user.kind !== 'patient') redirect(303, '/');
	return { user: { name: user.name, email: user.email, twoFactorEnabled: user.twoFactorEnabled } };
};
