import { m } from '$lib/paraglide/messages.js';
import type { ErrorSentences } from '$lib/i18n/errors';

/** Billing's own error codes; joined with every other domain's in `$lib/i18n/errors`. */
export const billingErrorMessages = {
	invoice_state: () => m.bill_error_invoice_state(),
	exceeds_balance: () => m.bill_error_exceeds_balance(),
	refund_exceeds: () => m.bill_error_refund_exceeds(),
	credit_exceeds: () => m.bill_error_credit_exceeds(),
	discount_exceeds: () => m.bill_error_discount_exceeds(),
	service_unpriced: () => m.bill_error_service_unpriced(),
	service_name_taken: () => m.bill_error_service_name_taken(),
	day_closed: () => m.bill_error_day_closed(),
	price_in_past: () => m.bill_error_price_in_past(),
	tax_rate_invalid: () => m.bill_error_tax_rate_invalid(),
	payee_not_configured: () => m.bill_error_payee_not_configured(),
	latin_text: (p) => m.bill_error_latin_text({ max: String(p.max ?? '') }),
	payment_account_invalid: () => m.bill_error_payment_account_invalid(),
	upi_vpa_invalid: () => m.bill_error_upi_vpa_invalid(),
	share_percent_invalid: () => m.earn_error_share_percent()
} satisfies ErrorSentences;
