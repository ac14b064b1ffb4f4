import { redirect } from '@sveltejs/kit';
import { cookieMaxAge, cookieName, isLocale } from '$lib/paraglide/runtime';
import { localPath } from '$lib/server/edge/next';
import type { RequestHandler } from './$types';

/** Switches the UI language (works without JavaScript) and goes back where the person was, on this site only. */
export const POST: RequestHandler = async ({ request, cookies }) => {
	const form = await request.formData();
	const locale = form.get('locale');
	const target = form.get('redirectTo');
	if (typeof locale === 'string' && isLocale(locale)) {
		cookies.set(cookieName, locale, { path: '/', maxAge: cookieMaxAge, httpOnly: false, sameSite: 'lax', secure: false });
	}
	redirect(303, (typeof target === 'string' && localPath(target)) || '/');
};
