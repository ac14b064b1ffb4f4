import { z } from 'zod';
import { idempotencyKeyInput } from '../command';
import { withFieldCode } from '../fieldCodes';
import { email, requiredText, text } from '../tenancy/schema';
import { phoneSchema } from '../patients/schema';
import { isoDay, uuid } from '../text';

/*
 * The inputs of suppliers and purchase orders (docs/ARCHITECTURE.md, "Pharmacy and stock").
 * Quantities are integers in the medicine's dispensing unit, amounts integer minor units.
 */

const units = (min: number) => withFieldCode(z.number().int().min(min).max(1_000_000), 'units_invalid');
const amount = withFieldCode(z.number().int().min(0).max(1_000_000_000_000), 'amount_invalid');

/** An empty phone or email is "none"; a given one must be valid (the phone read with the clinic's country). */
const optionalPhone = (country: string) => z.union([z.literal(''), phoneSchema(country)]);
const optionalEmail = z.union([z.literal(''), email]);

/** `POST …/suppliers` */
export const supplierInput = (country: string) =>
	z.strictObject({
		name: requiredText(120),
		phone: optionalPhone(country).default(''),
		email: optionalEmail.default(''),
		address: text(500).default('')
	});

/** `PATCH …/suppliers/{id}`: any of the fields, and `archived`. */
export const supplierPatch = (country: string) =>
	z.strictObject({
		name: requiredText(120).optional(),
		phone: optionalPhone(country).optional(),
		email: optionalEmail.optional(),
		address: text(500).optional(),
		archived: z.boolean().optional()
	});

const orderLine = z.strictObject({ medicineId: uuid(), quantity: units(1), costPrice: amount.default(0) });
const orderLines = z
	.array(orderLine)
	.min(1)
	.max(200)
	.refine((lines) => new Set(lines.map((l) => l.medicineId)).size === lines.length, 'each medicine once');

/** `POST …/purchase-orders`: a draft order by hand. */
export const purchaseOrderInput = z.strictObject({
	supplierId: uuid(),
	note: text(500).default(''),
	lines: orderLines,
	idempotencyKey: idempotencyKeyInput.optional()
});

/** `PATCH …/purchase-orders/{id}`: a draft's supplier, note or lines (the lines replace the old ones). */
export const purchaseOrderPatch = z.strictObject({
	supplierId: uuid().optional(),
	note: text(500).optional(),
	lines: orderLines.optional()
});

/** `POST …/purchase-orders/from-low-stock`: a draft of every medicine at or below its reorder level. */
export const lowStockOrderInput = z.strictObject({
	supplierId: uuid(),
	note: text(500).default(''),
	idempotencyKey: idempotencyKeyInput.optional()
});

/** `POST …/purchase-orders/{id}/order|cancel` */
export const orderStepInput = z.strictObject({ idempotencyKey: idempotencyKeyInput.optional() });

/** `POST …/purchase-orders/{id}/receive`: what arrived, per order line, each into a new batch. */
export const receiveOrderInput = z.strictObject({
	lines: z
		.array(
			z.strictObject({
				lineId: uuid(),
				batchNumber: requiredText(60),
				expiry: isoDay(),
				quantity: units(1),
				costPrice: amount,
				salePrice: amount
			})
		)
		.min(1)
		.max(200),
	idempotencyKey: idempotencyKeyInput.optional()
});
export type ReceiveOrderInput = z.infer<typeof receiveOrderInput>;

/** `GET …/purchase-orders?status=` */
export const PURCHASE_ORDER_STATUSES = ['draft', 'ordered', 'partly_received', 'received', 'cancelled'] as const;
export const purchaseOrderQuery = z.object({ status: z.enum(PURCHASE_ORDER_STATUSES).optional() });
