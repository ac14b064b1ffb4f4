import { m } from '$lib/paraglide/messages.js';

const kinds: Record<string, () => string> = {
	received: m.inv_kind_received,
	dispensed: m.inv_kind_dispensed,
	patient_return: m.inv_kind_patient_return,
	supplier_return: m.inv_kind_supplier_return,
	adjusted: m.inv_kind_adjusted,
	written_off: m.inv_kind_written_off,
	transfer_out: m.inv_kind_transfer_out,
	transfer_in: m.inv_kind_transfer_in
};

const reasons: Record<string, () => string> = {
	stock_count: m.inv_reason_stock_count,
	damaged: m.inv_reason_damaged,
	expired: m.inv_reason_expired,
	correction: m.inv_reason_correction,
	supplier_return: m.inv_reason_supplier_return,
	other: m.inv_reason_other
};

/** A stock movement's kind in the reader's language. */
export const movementKindLabel = (kind: string) => kinds[kind]?.() ?? kind;

/** An adjustment reason in the reader's language. */
export const adjustmentReasonLabel = (reason: string) => reasons[reason]?.() ?? reason;

/** A movement's stored reason is `reason` or `reason: note`; the reason part is translated. */
export function movementReasonText(stored: string): string {
	const [head, ...rest] = stored.split(': ');
	if (!reasons[head]) return stored;
	return [adjustmentReasonLabel(head), ...rest].join(': ');
}
