import { z } from 'zod';
import { allergySeverity } from '../db/schema/clinical';
import { requiredText, text } from '../tenancy/schema';
import { idempotencyKeyInput } from '../command';
import { withFieldCode } from '../fieldCodes';
import { allIcd10Codes } from '../visits/icd10';
import { uuid } from '../text';
import { AppError } from '../errors';
import { parseInput, refuseWithOtherFields } from '../validation';

/** The blood groups the database accepts (`patient_blood_group`). */
export const BLOOD_GROUPS = ['A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-'] as const;
export type BloodGroup = (typeof BLOOD_GROUPS)[number];

export const SEVERITIES = allergySeverity.enumValues;

let byKey: Map<string, string> | undefined;
const codeKey = (code: string) => code.toUpperCase().replace(/[\s.]+/g, '');

/** The WHO's spelling of an ICD-10 code of the shipped list (`j459` → `J45.9`), or null. */
export function knownIcd10Code(code: string): string | null {
	byKey ??= new Map(allIcd10Codes().map((c) => [codeKey(c.code), c.code]));
	return byKey.get(codeKey(code)) ?? null;
}

const icd10Code = z
	.string()
	.trim()
	.max(10)
	.transform((value, ctx) => {
		const known = knownIcd10Code(value);
		if (known) return known;
		ctx.addIssue({ code: 'custom', message: 'not an ICD-10 code of the list' });
		return z.NEVER;
	});

const key = { idempotencyKey: idempotencyKeyInput.optional() };

export const allergyInput = z
	.object({
		substance: requiredText(120),
		reaction: text(500).default(''),
		severity: withFieldCode(z.enum(SEVERITIES), 'choice_invalid'),
		...key
	})
	.strict();

export const conditionInput = z
	.object({
		name: requiredText(200),
		// An empty code is no code: a condition may be written without one.
		code: z
			.union([z.literal(''), withFieldCode(icd10Code, 'icd10_code_unknown')])
			.optional()
			.transform((v) => v || null),
		since: text(60).default(''),
		...key
	})
	.strict();

export const medicationInput = z
	.object({
		name: requiredText(200),
		dose: text(120).default(''),
		...key
	})
	.strict();

/** Removing, resolving or stopping one entry: only the key may come with it. */
export const endEntryInput = z.object({ ...key }).strict();

export const bloodGroupInput = z
	.object({
		bloodGroup: withFieldCode(z.enum(BLOOD_GROUPS).nullable(), 'choice_invalid'),
		...key
	})
	.strict();

export const entryId = uuid();

type RecordSchema = z.ZodObject<z.ZodRawShape>;

/**
 * `parseInput` for the record's strict schemas, naming each unknown field beside the other
 * fields' problems (zod reports unknown keys without a field, which a form cannot show).
 */
export function parseRecordInput<S extends RecordSchema>(schema: S, input: unknown): z.infer<S> {
	if (!input || typeof input !== 'object' || Array.isArray(input)) return parseInput(schema, input);
	const unknown = Object.keys(input).filter((key) => !(key in schema.shape));
	if (unknown.length === 0) return parseInput(schema, input);
	const known = Object.fromEntries(Object.entries(input).filter(([key]) => !unknown.includes(key)));
	const fields = unknown.map((field) => ({ field, code: 'field_invalid' as const, params: {} }));
	refuseWithOtherFields(schema, known, new AppError('field_invalid', 400, `unknown fields: ${unknown.join(', ')}`, unknown[0], {}, fields));
}
