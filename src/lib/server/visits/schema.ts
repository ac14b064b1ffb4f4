import { z } from 'zod';
import { requiredText, text } from '../tenancy/schema';
import { idempotencyKeyInput } from '../command';
import { uuid } from '../text';
import { findIcd10 } from './icd10';
import { GLUCOSE_KINDS, type NoteCategory } from '../../sync/contracts/chart';
import type { VitalKey } from '../../visits/vitals';

/** `GET …/icd10?q=`: what the doctor has typed so far; empty finds nothing. */
export const icd10SearchInput = z.object({ q: z.string().trim().max(100).default('') });

export const VISIT_SETTINGS = ['clinic', 'home', 'phone'] as const;

/** `POST …/visits`: a doctor opens one for themselves (no `doctorId` needed); a nurse names the doctor. */
export const openVisitInput = z.strictObject({
	patientId: uuid(),
	doctorId: uuid().optional(),
	setting: z.enum(VISIT_SETTINGS).default('clinic'),
	idempotencyKey: idempotencyKeyInput.optional()
});

export const completeVisitInput = z.strictObject({ idempotencyKey: idempotencyKeyInput.optional() });

export const addendumInput = z.strictObject({
	text: requiredText(10_000),
	reason: requiredText(500),
	idempotencyKey: idempotencyKeyInput.optional()
});

/**
 * A diagnosis's ICD-10 code as the WHO writes it (`j069` → `J06.9`); a code not in the shipped
 * list is refused as `icd10_code_unknown` with its field (`diagnoses.0.code`). No code (null,
 * left out or empty) is a free-text diagnosis.
 */
const diagnosisCode = z
	.string()
	.trim()
	.max(10)
	.transform((value, ctx) => {
		if (!value) return null;
		const known = findIcd10(value);
		if (known) return known.code;
		ctx.addIssue({ code: 'custom', message: 'not an ICD-10 code of the list', params: { code: 'icd10_code_unknown' } });
		return z.NEVER;
	});

/** A measured value in the API's units (null removes it); what is possible is checked with its field (`vitals.pulse`). */
const vital = z.number().finite().nullable().optional();

const richSectionText = text(20_000);
const note = richSectionText.optional();

/**
 * `PATCH …/visits/{id}/chart`: any part of the snapshot's shape. A field given replaces that
 * field, a notes category replaces its text, `diagnoses` replaces the list, vitals merge per key
 * (`null` removes a value).
 */
export const chartPatchInput = z.strictObject({
	vitals: z
		.strictObject({
			systolic: vital,
			diastolic: vital,
			pulse: vital,
			temperature: vital,
			respiratoryRate: vital,
			spo2: vital,
			weightKg: vital,
			heightCm: vital,
			glucose: vital
		} satisfies Record<VitalKey, typeof vital>)
		.optional(),
	glucoseKind: z.enum(GLUCOSE_KINDS).optional(),
	complaint: text(500).optional(),
	complaintDuration: text(100).optional(),
	history: richSectionText.optional(),
	notes: z.strictObject({ symptoms: note, observations: note, diagnosis: note, treatment: note } satisfies Record<NoteCategory, typeof note>).optional(),
	diagnoses: z
		.array(z.strictObject({ code: diagnosisCode.nullable().optional(), title: requiredText(300) }))
		.max(50)
		.optional(),
	plan: richSectionText.optional(),
	advice: richSectionText.optional(),
	reason: text(500).optional(),
	followUp: z
		.strictObject({ inDays: z.number().int().min(1).max(730).nullable(), note: text(500).default('') })
		.nullable()
		.optional(),
	idempotencyKey: idempotencyKeyInput.optional()
});
export type ChartPatch = z.infer<typeof chartPatchInput>;
