import { redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { verifySecondFactor } from '$lib/server/auth/signIn';
import { formFailure, formValues } from '$lib/server/edge';
import { safeNext } from '$lib/server/edge/next';
import type { Actions, PageServerLoad } from './$types';

/** The second sign-in step; hooks send every page here until the session is verified. */
export const load: PageServerLoad = async ({ locals }) => {
	if (!locals.session) redirect(303, '/login');
	if (locals.session.twoFactorVerified) redirect(303, '/');
	return {};
};

export const actions: Actions = {
	default: async ({ request, locals, getClientAddress, url }) => {
		const { session, user } = locals;
		if (!session || !user) redirect(303, '/login');
		const values = await formValues(request);
		const { db } = await getDatabase();
		try {
			await verifySecondFactor(db, session.id, user.id, user.email, { code: values.code }, getClientAddress());
		} catch (e) {
			return formFailure(e);
		}
		redirect(303, safeNext(url));
	}
};
