import { redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { changePassword } from '$lib/server/auth/account';
import { formValues } from '$lib/server/edge';
import { passwordFailure } from '../passwordFailure';
import type { Actions, PageServerLoad } from './$types';

/** The forced change after an admin reset; everyone else changes their password on the security page. */
export const load: PageServerLoad = async ({ locals }) => {
	const user = locals.user!;
	if (!user.mustChangePassword) redirect(303, '/account/security');
	return { email: user.email };
};

export const actions: Actions = {
	default: async ({ request, locals, getClientAddress }) => {
		const user = locals.user!;
		const values = await formValues(request);
		const { db } = await getDatabase();
		try {
			const actor = { userId: user.id, email: user.email, address: getClientAddress() };
			await changePassword(db, actor, locals.session!.id, { currentPassword: values.currentPassword, newPassword: values.newPassword });
		} catch (e) {
			return passwordFailure(e, {});
		}
		// This session stays signed in; every other one ended with the old password.
		redirect(303, '/');
	}
};
