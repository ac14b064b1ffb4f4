import type { ClinicActor } from '../tenancy/policy';
import type { Role } from '../db/schema';

export type SchedulingAction =
	| 'calendar.view'
	| 'desk.write'
	| 'waitlist.view'
	| 'appointment.book'
	| 'appointment.change'
	| 'appointment.confirm'
	| 'availability.manage'
	| 'closure.manage'
	| 'appointmentType.manage';

const rules: Record<SchedulingAction, readonly Role[]> = {
	'calendar.view': ['admin', 'doctor', 'nurse', 'reception', 'pharmacist'],
	/** The day's shared desk notes, written beside the calendar by anyone who sees it. */
	'desk.write': ['admin', 'doctor', 'nurse', 'reception', 'pharmacist'],
	/** Patients' names and wishes: the people who book. */
	'waitlist.view': ['admin', 'doctor', 'reception'],
	'appointment.book': ['admin', 'doctor', 'reception'],
	'appointment.change': ['admin', 'doctor', 'reception'],
	'appointment.confirm': ['admin', 'doctor', 'reception'],
	'availability.manage': ['admin', 'reception'],
	'closure.manage': ['admin'],
	/** The clinic's kinds of appointment, with their lengths and colours; everyone who sees the calendar sees them. */
	'appointmentType.manage': ['admin']
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
