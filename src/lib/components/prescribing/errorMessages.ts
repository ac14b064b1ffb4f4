import { m } from '$lib/paraglide/messages.js';
import type { ErrorSentences } from '$lib/i18n/errors';

/** The medicine catalogue's and prescribing's own error codes; joined with every other domain's in `$lib/i18n/errors`. */
export const prescribingErrorMessages = {
	medicine_exists: () => m.rx_error_medicine_exists(),
	atc_code_invalid: () => m.rx_error_atc_code_invalid(),
	csv_invalid: (p) => m.rx_error_csv_invalid({ line: String(p.line ?? ''), column: String(p.column ?? '') }),
	prescription_warning: () => m.rx_error_prescription_warning(),
	frequency_invalid: () => m.rx_error_frequency_invalid(),
	duration_invalid: (p) => m.rx_error_duration_invalid({ min: String(p.min ?? 1), max: String(p.max ?? 365) }),
	quantity_invalid: () => m.rx_error_quantity_invalid(),
	quantity_required: () => m.rx_error_quantity_required()
} satisfies ErrorSentences;
