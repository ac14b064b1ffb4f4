import type { ClinicActor } from '../tenancy/policy';

export type NotificationAction = 'notifications.view' | 'notifications.retry';

/** Delivery problems name patients' events and mail errors, and sending again is theirs to decide: admins only. */
export function can(actor: ClinicActor, action: NotificationAction): boolean {
	return (action === 'notifications.view' || action === 'notifications.retry') && actor.role === 'admin';
}
