import { m } from '$lib/paraglide/messages.js';
import type { ErrorSentences } from '$lib/i18n/errors';

/** The pharmacy's and stock's own error codes; joined with every other domain's in `$lib/i18n/errors`. */
export const pharmacyErrorMessages = {
	stock_short: () => m.ph_error_stock_short(),
	units_invalid: () => m.ph_error_units_invalid(),
	batch_expired: () => m.ph_error_batch_expired(),
	prescription_not_issued: () => m.ph_error_prescription_not_issued(),
	being_prepared: () => m.ph_error_being_prepared(),
	prescription_state: () => m.ph_error_prescription_state(),
	substitute_invalid: () => m.ph_error_substitute_invalid(),
	return_exceeds: () => m.ph_error_return_exceeds(),
	supplier_name_taken: () => m.ph_error_supplier_name_taken(),
	purchase_order_state: () => m.ph_error_purchase_order_state(),
	receive_exceeds: () => m.ph_error_receive_exceeds(),
	nothing_to_order: () => m.ph_error_nothing_to_order(),
	stock_count_state: () => m.ph_error_stock_count_state(),
	csv_empty: () => m.ph_error_csv_empty(),
	medicine_not_in_catalogue: (p) => m.ph_error_medicine_not_in_catalogue({ name: String(p.name ?? '') }),
	transfer_clinic_invalid: () => m.ph_error_transfer_clinic_invalid(),
	date_order: () => m.ph_error_date_order()
} satisfies ErrorSentences;
