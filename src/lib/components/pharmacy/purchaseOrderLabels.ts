import { m } from '$lib/paraglide/messages.js';

export type PurchaseOrderStatus = 'draft' | 'ordered' | 'partly_received' | 'received' | 'cancelled';

const labels: Record<PurchaseOrderStatus, () => string> = {
	draft: () => m.po_status_draft(),
	ordered: () => m.po_status_ordered(),
	partly_received: () => m.po_status_partly_received(),
	received: () => m.po_status_received(),
	cancelled: () => m.po_status_cancelled()
};

/** A purchase order's status in the reader's language. */
export const purchaseOrderStatusLabel = (status: PurchaseOrderStatus) => labels[status]();
