import { redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { isSetupDone } from '$lib/server/tenancy/queries';
import { signIn } from '$lib/server/auth/signIn';
import { setSessionCookie } from '$lib/server/auth/cookie';
import { formFailure, formValues } from '$lib/server/edge';
import { safeNext } from '$lib/server/edge/next';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { db } = await getDatabase();
	if (!(await isSetupDone(db))) redirect(303, '/setup');
	if (locals.user) redirect(303, safeNext(url));
	const notices = ['setup', 'signedOut', 'passwordChanged'] as const;
	return { email: url.searchParams.get('email') ?? '', notice: notices.find((n) => url.searchParams.has(n)) ?? null };
};

export const actions: Actions = {
	default: async ({ request, cookies, getClientAddress, url }) => {
		const values = await formValues(request);
		const { db } = await getDatabase();
		let needsSecondFactor: boolean;
		try {
			const result = await signIn(db, { email: values.email, password: values.password }, getClientAddress());
			setSessionCookie(cookies, result.token, result.expiresAt);
			needsSecondFactor = result.needsSecondFactor;
		} catch (e) {
			return formFailure(e, { email: values.email });
		}
		const next = safeNext(url);
		const secondStep = next === '/' ? '/login/two-factor' : `/login/two-factor?next=${encodeURIComponent(next)}`;
		redirect(303, needsSecondFactor ? secondStep : next);
	}
};
