import { redirect } from '@sveltejs/kit';
import { cookieMaxAge, cookieName, isLocale } from '$lib/paraglide/runtime';
import type { RequestHandler } from './$types';

/** Switches the UI language (works without JavaScript) and goes back where the person was. */
export const POST: RequestHandler = async ({ request, cookies }) => {
	const form = await request.formData();
	const locale = form.get('locale');
	const target = form.get('redirectTo');
	if (typeof locale === 'string' && isLocale(locale)) {
		cookies.set(cookieName, locale, { path: '/', maxAge: cookieMaxAge, httpOnly: false, sameSite: 'lax', secure: false });
	}
	const safeTarget = typeof target === 'string' && target.startsWith('/') && !target.startsWith('//') ? target : '/';
	redirect(303, safeTarget);
};
