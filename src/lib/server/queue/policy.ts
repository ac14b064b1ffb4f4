import type { ClinicActor } from '../tenancy/policy';
import type { Role } from '../db/schema';

export type QueueAction = 'queue.view' | 'queue.checkIn' | 'queue.call' | 'queue.urgent' | 'queue.reorder' | 'queue.settings' | 'displayKey.manage';

const rules: Record<QueueAction, readonly Role[]> = {
	'queue.view': ['admin', 'doctor', 'reception', 'pharmacist'],
	'queue.checkIn': ['admin', 'doctor', 'reception'],
	'queue.call': ['admin', 'doctor', 'reception'],
	'queue.urgent': ['admin', 'doctor', 'reception'],
	'queue.reorder': ['admin', 'reception'],
	'queue.settings': ['admin'],
	'displayKey.manage': ['admin']
};

/**
 * A doctor calls, skips and completes for their own line only; admins and the desk may act
 * for any doctor (a nurse at the door calling for a doctor). `doctorId` names whose line it is.
 */
export function can(actor: ClinicActor, action: QueueAction, resource: { doctorId?: string | null } = {}): boolean {
	if (!actor.role || !rules[action].includes(actor.role)) return false;
	if (action === 'queue.call' && actor.role === 'doctor') return resource.doctorId === actor.userId;
	return true;
}
