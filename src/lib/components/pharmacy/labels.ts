import { m } from '$lib/paraglide/messages.js';
import type { LINE_STATUSES, PHARMACY_STATUSES } from '$lib/sync/contracts/pharmacy';

const statuses: Record<(typeof PHARMACY_STATUSES)[number], () => string> = {
	waiting: m.pharmacy_status_waiting,
	in_progress: m.pharmacy_status_in_progress,
	waiting_for_stock: m.pharmacy_status_waiting_for_stock,
	ready: m.pharmacy_status_ready,
	collected: m.pharmacy_status_collected
};
const lineStatuses: Record<(typeof LINE_STATUSES)[number], () => string> = {
	pending: m.pharmacy_line_pending,
	dispensed: m.pharmacy_line_dispensed,
	partly_dispensed: m.pharmacy_line_partly_dispensed,
	waiting_for_stock: m.pharmacy_line_waiting_for_stock,
	substituted: m.pharmacy_line_substituted,
	not_dispensed: m.pharmacy_line_not_dispensed,
	collected: m.pharmacy_line_collected
};

export const statusLabel = (s: (typeof PHARMACY_STATUSES)[number]) => statuses[s]();
export const lineStatusLabel = (s: (typeof LINE_STATUSES)[number]) => lineStatuses[s]();
