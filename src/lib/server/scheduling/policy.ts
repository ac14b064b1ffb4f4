import type { ClinicActor } from '../tenancy/policy';
import type { Role } from '../db/schema';

export type SchedulingAction =
	| 'calendar.view'
	| 'appointment.book'
	| 'appointment.change'
	| 'appointment.confirm'
	| 'availability.manage'
	| 'closure.manage';

const rules: Record<SchedulingAction, readonly Role[]> = {
	'calendar.view': ['admin', 'doctor', 'reception', 'pharmacist'],
	'appointment.book': ['admin', 'doctor', 'reception'],
	'appointment.change': ['admin', 'doctor', 'reception'],
	'appointment.confirm': ['admin', 'doctor', 'reception'],
	'availability.manage': ['admin', 'reception'],
	'closure.manage': ['admin']
};

/**
 * A doctor manages their own availability and confirms or declines their own requests; the
 * `doctorId` of the resource names whose they are.
 */
export function can(actor: ClinicActor, action: SchedulingAction, resource: { doctorId?: string } = {}): boolean {
	if (!actor.role) return false;
	if (rules[action].includes(actor.role)) {
		if (action === 'appointment.confirm' && actor.role === 'doctor') return resource.doctorId === actor.userId;
		return true;
	}
	return action === 'availability.manage' && actor.role === 'doctor' && resource.doctorId === actor.userId;
}
