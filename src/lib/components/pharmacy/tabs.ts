import { m } from '$lib/paraglide/messages.js';

export type PharmacyTab = { href: string; label: string; id: string };

/**
 * The pharmacy's own screens, shown as tabs above each of them (the app's navigation has one
 * "Pharmacy" entry). A new pharmacy screen adds its tab here.
 */
export function pharmacyTabs(code: string): PharmacyTab[] {
	const base = `/${code}/pharmacy`;
	return [
		{ id: 'worklist', href: base, label: m.pharmacy_tab_worklist() },
		{ id: 'stock', href: `${base}/stock`, label: m.pharmacy_tab_stock() },
		{ id: 'orders', href: `${base}/orders`, label: m.pharmacy_tab_orders() },
		{ id: 'count', href: `${base}/count`, label: m.pharmacy_tab_count() },
		{ id: 'reports', href: `${base}/reports`, label: m.pharmacy_tab_reports() },
		{ id: 'import', href: `${base}/import`, label: m.pharmacy_tab_import() }
	];
}
