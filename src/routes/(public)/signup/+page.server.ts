import { redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { isSetupDone } from '$lib/server/tenancy/queries';
import { signUpPatient } from '$lib/server/auth/account';
import { setSessionCookie } from '$lib/server/auth/cookie';
import { formFailure, formValues } from '$lib/server/edge';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const { db } = await getDatabase();
	if (!(await isSetupDone(db))) redirect(303, '/setup');
	if (locals.user) redirect(303, '/');
	return {};
};

export const actions: Actions = {
	default: async ({ request, cookies }) => {
		const values = await formValues(request);
		const { db } = await getDatabase();
		try {
			const { token, expiresAt } = await signUpPatient(db, { name: values.name, email: values.email, password: values.password });
			setSessionCookie(cookies, token, expiresAt);
		} catch (e) {
			// The password is never sent back to the page.
			return formFailure(e, { name: values.name ?? '', email: values.email ?? '' });
		}
		redirect(303, '/me');
	}
};
