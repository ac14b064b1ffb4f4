import { m } from '$lib/paraglide/messages.js';

export const ROLE_OPTIONS = ['admin', 'doctor', 'nurse', 'reception', 'pharmacist'] as const;

/** A role or membership status in the reader's language. */
export function roleLabel(role: string): string {
	return (
		{ admin: m.role_admin(), doctor: m.role_doctor(), nurse: m.role_nurse(), reception: m.role_reception(), pharmacist: m.role_pharmacist() }[role] ?? role
	);
}

export function statusLabel(status: string): string {
	return { active: m.status_active(), suspended: m.status_suspended(), removed: m.status_removed() }[status] ?? status;
}
