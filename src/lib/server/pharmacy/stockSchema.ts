import { z } from 'zod';
import { idempotencyKeyInput } from '../command';
import { withFieldCode } from '../fieldCodes';
import { clinicCode, requiredText, text } from '../tenancy/schema';
import { isoDay, uuid } from '../text';
import { stockMovementKind } from '../db/schema';

/** A count of units in the medicine's dispensing unit. */
const units = (min: number) => withFieldCode(z.number().int().min(min).max(1_000_000), 'units_invalid');
/** Integer minor units of the clinic's currency. */
const amount = withFieldCode(z.number().int().min(0).max(1_000_000_000_000), 'amount_invalid');

/** `POST …/medicines/{id}/batches`: a delivery received into stock. */
export const receiveBatchInput = z.strictObject({
	batchNumber: requiredText(60),
	expiry: isoDay(),
	quantity: units(1),
	costPrice: amount,
	salePrice: amount,
	supplierId: uuid().optional(),
	idempotencyKey: idempotencyKeyInput.optional()
});
export type ReceiveBatchInput = z.infer<typeof receiveBatchInput>;

export const ADJUSTMENT_REASONS = ['stock_count', 'damaged', 'expired', 'correction', 'supplier_return', 'other'] as const;

/** `POST …/stock/adjustments`: a signed change of one batch with its reason (negative removes). */
export const adjustmentInput = z.strictObject({
	batchId: uuid(),
	quantity: withFieldCode(
		z
			.number()
			.int()
			.min(-1_000_000)
			.max(1_000_000)
			.refine((q) => q !== 0),
		'units_invalid'
	),
	reason: z.enum(ADJUSTMENT_REASONS),
	note: text(500).default(''),
	idempotencyKey: idempotencyKeyInput.optional()
});

/** `POST …/stock/transfers`: units of one batch sent to a branch (a clinic with the same administrator). */
export const transferInput = z.strictObject({
	batchId: uuid(),
	quantity: units(1),
	toClinic: clinicCode,
	reason: text(500).default(''),
	/** Required: `transferStock` refuses a request without one (400 `idempotency_key_required`). */
	idempotencyKey: idempotencyKeyInput.optional()
});

/** `GET …/stock/movements?medicineId=&from=&to=&kind=` */
export const movementsQuery = z.object({
	medicineId: uuid().optional(),
	from: isoDay().optional(),
	to: isoDay().optional(),
	kind: z.enum(stockMovementKind.enumValues).optional()
});

/** `POST …/prescriptions/{id}/dispense` */
export const dispenseInput = z.strictObject({
	lines: z
		.array(z.strictObject({ lineId: uuid(), quantity: units(1) }))
		.min(1)
		.max(50),
	idempotencyKey: idempotencyKeyInput.optional()
});

/** `POST …/prescriptions/{id}/return`: units the patient brought back, into the batches they came from. */
export const returnInput = z.strictObject({
	lines: z
		.array(z.strictObject({ lineId: uuid(), quantity: units(1) }))
		.min(1)
		.max(50),
	reason: requiredText(500),
	idempotencyKey: idempotencyKeyInput.optional()
});

export const collectInput = z.strictObject({ idempotencyKey: idempotencyKeyInput.optional() });

/** `POST …/prescriptions/{id}/prepare`: "I am preparing this one" (`takeOver` when a colleague left it). */
export const prepareInput = z.strictObject({ takeOver: z.boolean().default(false), idempotencyKey: idempotencyKeyInput.optional() });

/** `POST …/prescriptions/{id}/lines/{lineId}`: what becomes of a line other than dispensing it as written. */
export const lineOutcomeInput = z.discriminatedUnion('outcome', [
	z.strictObject({ outcome: z.literal('substituted'), medicineId: uuid(), note: requiredText(500), idempotencyKey: idempotencyKeyInput.optional() }),
	z.strictObject({ outcome: z.literal('not_dispensed'), note: text(500).default(''), idempotencyKey: idempotencyKeyInput.optional() })
]);
