import type { Clinic, Role } from '../db/schema';
import type { Db } from '../db';
import type { ClinicContext } from './context';
import { clinicMembership } from './queries';

/**
 * The one access decision. Every door — page loads, form actions, `/api/v1` and the sync
 * server — asks it before anything else, so a rule a clinic sets (require 2FA) or an admin
 * imposes (a reset password) holds everywhere at once. See docs/ARCHITECTURE.md, "Access".
 */

/** What the decision needs to know about the person; a validated session's user has it. */
export type AccessUser = { id: string; mustChangePassword: boolean; twoFactorEnabled: boolean };

/**
 * Why a person may not act: `not_found` for a clinic they do not belong to (or that is
 * suspended, or unknown — all look the same, so nothing about other clinics leaks); the other
 * two name what they must do first, and the edges send them there.
 */
export type AccessRefusal = 'not_found' | 'two_factor_required' | 'password_change_required';

export type ClinicAccess = { clinic: Clinic; role: Role; ctx: ClinicContext };

export type ClinicAccessDecision = { ok: true; access: ClinicAccess } | { ok: false; refusal: AccessRefusal; clinic?: Pick<Clinic, 'id' | 'code'> };

/**
 * Whether the person may act at all, whatever the clinic: an account whose password an admin
 * reset must choose its own before anything else (signing in and out excepted, which never ask).
 */
export function accountRefusal(user: AccessUser): AccessRefusal | null {
	return user.mustChangePassword ? 'password_change_required' : null;
}

/**
 * The person's access to one clinic, by its code or id: an active membership in a clinic that
 * is not suspended, an account in good standing, and a second factor where the clinic requires it.
 */
export async function clinicAccess(db: Db, user: AccessUser, which: { code: string } | { id: string }): Promise<ClinicAccessDecision> {
	const account = accountRefusal(user);
	if (account) return { ok: false, refusal: account };
	const row = await clinicMembership(db, user.id, which);
	if (!row) return { ok: false, refusal: 'not_found' };
	if (row.clinic.require2fa && !user.twoFactorEnabled)
		return { ok: false, refusal: 'two_factor_required', clinic: { id: row.clinic.id, code: row.clinic.code } };
	return { ok: true, access: { clinic: row.clinic, role: row.role, ctx: { clinicId: row.clinic.id, actor: { userId: user.id, role: row.role } } } };
}
