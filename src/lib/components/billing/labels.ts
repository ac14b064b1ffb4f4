import { m } from '$lib/paraglide/messages.js';

/** A payment method's name in the reader's language. */
export function paymentMethodLabel(method: string, options?: { locale: 'en' | 'ur' }): string {
	switch (method) {
		case 'cash':
			return m.bill_method_cash({}, options);
		case 'card':
			return m.bill_method_card({}, options);
		case 'wallet':
			return m.bill_method_wallet({}, options);
		case 'bank':
			return m.bill_method_bank({}, options);
		case 'qr':
			return m.bill_method_qr({}, options);
		case 'credit':
			return m.bill_method_credit({}, options);
		default:
			return method;
	}
}
