import { z } from 'zod';
import { idempotencyKeyInput } from '../command';
import { withFieldCode } from '../fieldCodes';
import { clinicCode, requiredText, text } from '../tenancy/schema';
import { ATC_CLASS, ATC_CODE, DOSAGE_FORMS, ROUTES } from './catalogue';

/** What a prescriber picks to fill a line quickly: "1 tablet, 1+0+1, 5 days, after meals". */
export const dosageTemplate = z.object({
	dose: requiredText(60),
	frequency: requiredText(20),
	durationDays: z.number().int().min(1).max(365),
	instructions: text(200).default('')
});

/** A medicine a clinic adds to its catalogue (the API's `POST …/medicines` and the admin screen). */
export const medicineInput = z.object({
	genericName: requiredText(120),
	brandNames: z.array(requiredText(80)).max(20).default([]),
	form: z.enum(DOSAGE_FORMS),
	strength: requiredText(60),
	route: z.enum(ROUTES),
	/** A full ATC code (J01CA04) or a class (J01C); it drives allergy and interaction warnings. */
	atcCode: withFieldCode(
		z
			.string()
			.trim()
			.toUpperCase()
			.refine((v) => ATC_CODE.test(v) || ATC_CLASS.test(v))
			.optional(),
		'atc_code_invalid'
	),
	dosageTemplates: z.array(dosageTemplate).max(10).default([]),
	idempotencyKey: idempotencyKeyInput.optional()
});
export type MedicineInput = z.infer<typeof medicineInput>;

export const medicineSearchInput = z.object({ q: text(120).default('') });

/** Copy this clinic's catalogue into a branch (a clinic the same person administers). */
export const copyCatalogueInput = z.object({ toClinic: clinicCode });

/** A CSV file's text, as uploaded (at most 1 MB). */
export const csvText = z.string().min(1).max(1_000_000);

/** File lines (as a preview numbered them, the header being line 1) to leave out of an import. */
export const dropLinesInput = z.array(z.number().int().min(1).max(100_000)).max(10_000).default([]);

/** The catalogue from CSV: `preview` reads it and writes nothing; `dropLines` leaves rows out. */
export const importCsvInput = z.object({
	csv: csvText,
	preview: z.boolean().default(false),
	dropLines: dropLinesInput,
	idempotencyKey: idempotencyKeyInput.optional()
});
