import type { Role } from '../db/schema';

/** Who is asking, as far as a clinic is concerned: their role there, or none. */
export type ClinicActor = { userId: string; role: Role | null };

export type TenancyAction =
	'clinic.view' | 'clinic.manage' | 'members.view' | 'members.manage' | 'branch.create' | 'doctorProfile.edit' | 'duty.manage' | 'audit.view' | 'clinic.report';

const rules: Record<TenancyAction, readonly Role[]> = {
	'clinic.view': ['admin', 'doctor', 'nurse', 'reception', 'pharmacist'],
	'clinic.manage': ['admin'],
	'members.view': ['admin', 'doctor', 'nurse', 'reception', 'pharmacist'],
	'members.manage': ['admin'],
	'branch.create': ['admin'],
	'doctorProfile.edit': ['admin'],
	'duty.manage': ['admin', 'reception'],
	'audit.view': ['admin'],
	/** Today's numbers (appointments, arrivals, no-shows, waits) and failing notifications. */
	'clinic.report': ['admin']
};

/**
 * Pure authorization for clinic-level actions. A doctor may also edit their own profile,
 * which the `subjectUserId` names.
 */
export function can(actor: ClinicActor, action: TenancyAction, subjectUserId?: string): boolean {
	if (!actor.role) return false;
	if (rules[action].includes(actor.role)) return true;
	return action === 'doctorProfile.edit' && actor.role === 'doctor' && subjectUserId === actor.userId;
}
