import { m } from '$lib/paraglide/messages.js';

export type Role = 'admin' | 'doctor' | 'nurse' | 'reception' | 'pharmacist';
export type NavItem = { href: string; label: string };

/**
 * The navigation a role sees in a clinic. Every new feature adds its screens here, so every screen
 * that exists is reachable from a navigation that fits the user's role.
 */
export function clinicNav(code: string, role: Role): NavItem[] {
	const base = `/${code}`;
	const items: NavItem[] = [{ href: base, label: m.nav_home() }];
	items.push({ href: `${base}/calendar`, label: m.nav_calendar() });
	if (role === 'doctor') items.push({ href: `${base}/my-schedule`, label: m.nav_my_schedule() });
	if (role !== 'pharmacist' && role !== 'nurse')
		items.push({ href: `${base}/availability`, label: m.nav_availability() }, { href: `${base}/waitlist`, label: m.nav_waitlist() });
	items.push({ href: `${base}/patients`, label: m.nav_patients() });
	items.push({ href: `${base}/queue`, label: m.nav_queue() });
	if (role === 'doctor' || role === 'nurse') items.push({ href: `${base}/referrals`, label: m.nav_referrals() });
	if (role === 'pharmacist' || role === 'admin') items.push({ href: `${base}/pharmacy`, label: m.nav_pharmacy() });
	if (role === 'reception' || role === 'admin') items.push({ href: `${base}/billing`, label: m.nav_billing() });
	if (role === 'doctor' || role === 'admin') items.push({ href: `${base}/earnings`, label: m.nav_earnings() });
	if (role === 'doctor') items.push({ href: `${base}/profile`, label: m.nav_my_profile() });
	items.push({ href: `${base}/admin/members`, label: m.nav_members() });
	if (role === 'admin') {
		items.push({ href: `${base}/admin/settings`, label: m.nav_settings() });
		items.push({ href: `${base}/admin/rooms`, label: m.nav_rooms() });
		items.push({ href: `${base}/admin/medicines`, label: m.nav_medicines() });
		items.push({ href: `${base}/admin/appointment-types`, label: m.nav_appointment_types() });
		items.push({ href: `${base}/admin/display-keys`, label: m.nav_display_keys() });
		items.push({ href: `${base}/admin/notifications`, label: m.nav_notifications() });
		items.push({ href: '/clinics/new', label: m.nav_new_clinic() });
	}
	return items;
}

/** The navigation a patient sees in their own app: their home (queue, appointments, clinics) and booking. */
export function patientNav(): NavItem[] {
	return [
		{ href: '/me', label: m.nav_my_health() },
		{ href: '/me/book', label: m.nav_book() }
	];
}
