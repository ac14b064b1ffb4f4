import type { ClinicActor } from '../tenancy/policy';
import type { Role } from '../db/schema';

export type QueueAction =
	'queue.view' | 'queue.checkIn' | 'queue.call' | 'queue.urgent' | 'queue.reorder' | 'queue.settings' | 'displayKey.manage' | 'room.manage' | 'room.assign';

const rules: Record<QueueAction, readonly Role[]> = {
	'queue.view': ['admin', 'doctor', 'nurse', 'reception', 'pharmacist'],
	'queue.checkIn': ['admin', 'doctor', 'reception'],
	'queue.call': ['admin', 'doctor', 'reception'],
	'queue.urgent': ['admin', 'doctor', 'nurse', 'reception'],
	'queue.reorder': ['admin', 'reception'],
	'queue.settings': ['admin'],
	'displayKey.manage': ['admin'],
	'room.manage': ['admin'],
	'room.assign': ['admin', 'doctor', 'reception']
};

/**
 * A doctor calls, skips and completes for their own line only (and chooses only their own room
 * for the day); admins and the desk may act for any doctor (a nurse at the door calling for a doctor). `doctorId` names whose line it is.
 */
export function can(actor: ClinicActor, action: QueueAction, resource: { doctorId?: string | null } = {}): boolean {
	if (!actor.role || !rules[action].includes(actor.role)) return false;
	if ((action === 'queue.call' || action === 'room.assign') && actor.role === 'doctor') return resource.doctorId === actor.userId;
	return true;
}
