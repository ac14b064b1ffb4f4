import { z } from 'zod';
import { idempotencyKeyInput } from '../command';
import { withFieldCode, problem } from '../fieldCodes';
import { requiredText, text } from '../tenancy/schema';
import { ROUTES } from '../pharmacy/catalogue';
import { parseFrequency } from '$lib/prescribing/dosage';

export const prescriptionLineInput = z.object({
	medicineId: z.uuid(),
	/** As the doctor writes it: "500 mg", "1 tablet", "½ tab". */
	dose: requiredText(60),
	frequency: requiredText(20).refine((f) => parseFrequency(f) !== null, problem('frequency_invalid', 'a frequency such as 1+0+1, BD, TDS, QID, HS or SOS')),
	durationDays: withFieldCode(z.number().int().min(1).max(365), 'duration_invalid', { min: 1, max: 365 }),
	/** The medicine's own route when left out. */
	route: z.enum(ROUTES).optional(),
	/** Instructions in English; generated from dose, frequency and duration when left out. */
	instructions: text(300).optional(),
	/** The same in Urdu; generated when left out. */
	instructionsUr: text(300).optional(),
	/** Units to dispense, in the dose's unit; computed when left out (required for SOS/PRN and uncounted doses). */
	quantity: withFieldCode(z.number().positive().max(10_000).multipleOf(0.5).optional(), 'quantity_invalid', { max: 10_000 })
});

export const prescriptionInput = z.object({
	lines: z.array(prescriptionLineInput).max(30),
	/** Warnings the doctor has read and overrides, each with the reason kept beside the prescription. */
	overrides: z
		.array(z.object({ warning: requiredText(200), reason: requiredText(500) }))
		.max(60)
		.default([]),
	/** The doctor asks the pharmacy to serve it first. */
	urgent: z.boolean().default(false),
	idempotencyKey: idempotencyKeyInput.optional()
});
export type PrescriptionInput = z.infer<typeof prescriptionInput>;
