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

/** An invoice's state in the reader's language. */
export function invoiceStatusLabel(status: string): string {
	switch (status) {
		case 'draft':
			return m.bill_status_draft();
		case 'issued':
			return m.bill_status_issued();
		case 'partly_paid':
			return m.bill_status_partly_paid();
		case 'paid':
			return m.bill_status_paid();
		case 'void':
			return m.bill_status_void();
		default:
			return status;
	}
}

/** The badge colour of an invoice's state: money owed stands out, paid is green, void red. */
export function invoiceBadgeClass(status: string): string {
	if (status === 'paid') return 'badge-success';
	if (status === 'issued' || status === 'partly_paid') return 'badge-warning';
	if (status === 'void') return 'badge-danger';
	return '';
}

/** The billing list's filters. */
export function deskFilterLabel(filter: string): string {
	switch (filter) {
		case 'open':
			return m.bill_filter_open();
		case 'draft':
			return m.bill_filter_draft();
		case 'unpaid':
			return m.bill_filter_unpaid();
		case 'paid':
			return m.bill_filter_paid();
		case 'void':
			return m.bill_filter_void();
		default:
			return m.bill_filter_all();
	}
}

/** A service category's name (also the name of its tax rule's row), in the reader's language or the one asked. */
export function serviceCategoryLabel(category: string, options?: { locale: 'en' | 'ur' }): string {
	switch (category) {
		case 'consultation':
			return m.bill_category_consultation({}, options);
		case 'procedure':
			return m.bill_category_procedure({}, options);
		case 'lab':
			return m.bill_category_lab({}, options);
		case 'medicine':
			return m.bill_category_medicine({}, options);
		default:
			return m.bill_category_other({}, options);
	}
}

/** A consultation's visit type. */
export function visitTypeLabel(type: string): string {
	if (type === 'new') return m.bill_visit_new();
	if (type === 'follow_up') return m.bill_visit_follow_up();
	if (type === 'emergency') return m.bill_visit_emergency();
	return type;
}
