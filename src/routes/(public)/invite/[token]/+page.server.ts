import { redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { acceptInvitation, readInvitation } from '$lib/server/tenancy/invitations';
import { createSession, generateSessionToken } from '$lib/server/auth/session';
import { setSessionCookie } from '$lib/server/auth/cookie';
import { formFailure, formValues } from '$lib/server/edge';
import type { Actions, PageServerLoad } from './$types';

/** The link an invited staff member follows: who it is for, and the form to choose a password. */
export const load: PageServerLoad = async ({ params }) => {
	const { db } = await getDatabase();
	return { invitation: await readInvitation(db, params.token) };
};

export const actions: Actions = {
	default: async ({ request, params, cookies }) => {
		const values = await formValues(request);
		const { db } = await getDatabase();
		let joined: { userId: string; clinicCode: string };
		try {
			joined = await acceptInvitation(db, params.token, { password: values.password ?? '', confirm: values.confirm ?? '' });
		} catch (e) {
			return formFailure(e, {});
		}
		// A new account has no second factor yet; a clinic that requires one sends them to set it up.
		const token = generateSessionToken();
		const session = await createSession(db, token, joined.userId, { twoFactorVerified: true });
		setSessionCookie(cookies, token, session.expiresAt);
		redirect(303, `/${joined.clinicCode}`);
	}
};
