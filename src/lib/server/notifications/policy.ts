import type { ClinicActor } from '../tenancy/policy';

export type NotificationAction = 'notifications.view';

/** Delivery problems name patients' events and mail errors: admins only. */
export function can(actor: ClinicActor, action: NotificationAction): boolean {
	return action === 'notifications.view' && actor.role === 'admin';
}
