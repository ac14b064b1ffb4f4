import { z } from 'zod';
import { idempotencyKeyInput } from '../command';
import { withFieldCode } from '../fieldCodes';
import { requiredText, text } from '../tenancy/schema';
import { isoDay, uuid } from '../text';

export const SERVICE_CATEGORIES = ['consultation', 'procedure', 'lab', 'medicine', 'other'] as const;
export const PAYMENT_METHODS = ['cash', 'card', 'wallet', 'bank', 'qr', 'credit'] as const;

/** Integer minor units of the clinic's currency. */
const amount = (min: number) => withFieldCode(z.number().int().min(min).max(1_000_000_000_000), 'amount_invalid');

/** `POST …/services`: a billable service and its price from a day (today when not given). */
export const serviceInput = z.strictObject({
	name: requiredText(120),
	category: z.enum(SERVICE_CATEGORIES),
	price: amount(0),
	effectiveFrom: isoDay().optional(),
	doctorId: uuid().optional(),
	visitType: z.enum(['new', 'follow_up', 'emergency']).optional(),
	idempotencyKey: idempotencyKeyInput.optional()
});

/** A service's new price from a day (today when not given); a second price for the same day corrects the first. */
export const servicePriceInput = z.strictObject({
	price: amount(0),
	effectiveFrom: isoDay().optional(),
	idempotencyKey: idempotencyKeyInput.optional()
});

/** A category's tax: its name on the bill, a rate in basis points (1700 = 17 %), inside the price or on top. 0 removes it. */
export const taxRuleInput = z.strictObject({
	category: z.enum(SERVICE_CATEGORIES),
	name: text(60).default(''),
	rateBasisPoints: withFieldCode(z.number().int().min(0).max(10_000), 'field_invalid'),
	inclusive: z.boolean().default(false),
	idempotencyKey: idempotencyKeyInput.optional()
});

/** A discount given as an amount (minor units) or a whole percentage (as a referral's is), with its reason. */
const discountInput = z.union([
	z.strictObject({ amount: amount(1), reason: requiredText(200) }),
	z.strictObject({ percent: withFieldCode(z.number().int().min(1).max(100), 'field_invalid'), reason: requiredText(200) })
]);

/** One line of a new invoice: a priced service, or a description with its own price. */
const invoiceLineInput = z
	.strictObject({
		serviceId: uuid().optional(),
		description: text(200).optional(),
		category: z.enum(SERVICE_CATEGORIES).optional(),
		quantity: withFieldCode(z.number().int().min(1).max(10_000), 'units_invalid'),
		unitPrice: amount(0).optional(),
		discount: discountInput.optional()
	})
	.refine((l) => l.serviceId !== undefined || (Boolean(l.description) && l.unitPrice !== undefined), {
		message: 'A line names a service, or describes itself with a price',
		path: ['description']
	});

/** `POST …/invoices`: a draft the desk builds by hand. */
export const invoiceInput = z.strictObject({
	patientId: uuid(),
	lines: z.array(invoiceLineInput).min(1).max(100),
	note: text(500).default(''),
	idempotencyKey: idempotencyKeyInput.optional()
});
export type InvoiceInput = z.infer<typeof invoiceInput>;

export const keyOnlyInput = z.strictObject({ idempotencyKey: idempotencyKeyInput.optional() });

export const voidInput = z.strictObject({ reason: requiredText(500), idempotencyKey: idempotencyKeyInput.optional() });

/** `POST …/invoices/{id}/payments`. */
export const paymentInput = z.strictObject({
	amount: amount(1),
	method: z.enum(PAYMENT_METHODS),
	reference: text(120).default(''),
	/** Cash handed over (at least the amount): the change due is the difference. */
	tendered: amount(1).optional(),
	keepExcessAsCredit: z.boolean().default(false),
	idempotencyKey: idempotencyKeyInput.optional()
});

/** `POST …/payments/{id}/refund`. */
export const refundInput = z.strictObject({ amount: amount(1), reason: requiredText(500), idempotencyKey: idempotencyKeyInput.optional() });

/** `POST …/invoices/{id}/credit-notes`. */
export const creditNoteInput = z.strictObject({ amount: amount(1), reason: requiredText(500), idempotencyKey: idempotencyKeyInput.optional() });

export const INVOICE_STATUSES = ['draft', 'issued', 'partly_paid', 'paid', 'void'] as const;

/** `GET …/invoices` filters. */
export const invoiceQuery = z.strictObject({
	visitId: uuid().optional(),
	patientId: uuid().optional(),
	status: z.enum(INVOICE_STATUSES).optional()
});
