import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { getDatabase } from '../db';
import { clinicAccess, type ClinicAccess } from '../tenancy/access';
import { errorMessage } from '$lib/i18n/errors';

/**
 * The signed-in staff member's access to the clinic in the URL, for page loads and form
 * actions alike (an action runs without its page's layout load, so it must ask here too).
 * Another clinic's code, an unknown code and a suspended membership all answer 404, so nothing
 * about other clinics leaks; a missing second factor or a reset password send the person to
 * the screen that fixes it.
 */
export async function requireClinic(event: Pick<RequestEvent, 'locals' | 'url'>, code: string): Promise<ClinicAccess> {
	const user = event.locals.user;
	if (!user) redirect(303, `/login?next=${encodeURIComponent(event.url.pathname)}`);
	const { db } = await getDatabase();
	const decision = await clinicAccess(db, user, { code });
	if (decision.ok) return decision.access;
	switch (decision.refusal) {
		case 'not_found':
			error(404, { message: errorMessage('not_found'), code: 'not_found' });
		// falls through: error() throws
		case 'password_change_required':
			redirect(303, '/account/password');
		// falls through: redirect() throws
		case 'two_factor_required':
			redirect(303, `/account/security?required=${decision.clinic?.code ?? ''}`);
	}
}
