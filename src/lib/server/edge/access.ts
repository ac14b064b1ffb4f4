import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { getDatabase } from '../db';
import { findClinicAccess, type ClinicAccess } from '../tenancy/queries';
import { errorMessage } from '$lib/i18n/errors';
import type { ClinicContext } from '../tenancy/members';

/**
 * The signed-in staff member's access to the clinic in the URL. Another clinic's code, an
 * unknown code and a suspended membership all answer 404, so nothing about other clinics leaks.
 */
export async function requireClinic(event: Pick<RequestEvent, 'locals' | 'url'>, code: string): Promise<ClinicAccess & { ctx: ClinicContext }> {
	const user = event.locals.user;
	if (!user) redirect(303, `/login?next=${encodeURIComponent(event.url.pathname)}`);
	const { db } = await getDatabase();
	const access = await findClinicAccess(db, user.id, code);
	if (!access) error(404, { message: errorMessage('not_found'), code: 'not_found' });
	return { ...access, ctx: { clinicId: access.clinic.id, actor: { userId: user.id, role: access.role } } };
}
