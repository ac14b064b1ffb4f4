import { z } from 'zod';
import { parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js';
import { email as emailSchema, requiredText, text } from '../tenancy/schema';
import { isoDay, numberField, uuid } from '../text';
import { problem, withFieldCode } from '../fieldCodes';

/** The oldest age a person can be registered with; an older record gives a birth date instead. */
export const MAX_AGE = 125;

/** A phone number in international (E.164) form, read with the clinic's country as the default. */
export function phoneSchema(defaultCountry: string) {
	const phone = z
		.string()
		.trim()
		.max(32)
		.transform((value, ctx) => {
			try {
				const parsed = parsePhoneNumberWithError(value, defaultCountry as CountryCode);
				if (parsed.isValid()) return parsed.number;
			} catch {
				// fall through to the issue below
			}
			ctx.addIssue({ code: 'custom', message: 'not a valid phone number' });
			return z.NEVER;
		});
	return withFieldCode(phone, 'phone_invalid');
}

const optionalText = (max: number) =>
	text(max)
		.optional()
		.transform((v) => (v ? v : undefined));

export function patientInput(defaultCountry: string, today: string) {
	const phone = phoneSchema(defaultCountry);
	return z
		.object({
			name: requiredText(120),
			dateOfBirth: isoDay()
				.refine((d) => d <= today, problem('birth_date_in_future', 'a birth date in the future'))
				.optional(),
			age: withFieldCode(numberField(z.number().int().min(0).max(MAX_AGE).optional()), 'age_out_of_range', { min: 0, max: MAX_AGE }),
			sex: z.enum(['male', 'female', 'other']).optional(),
			phone: phone.optional(),
			email: emailSchema.optional(),
			address: text(500).default(''),
			nationalId: optionalText(40),
			externalRef: optionalText(60),
			allergies: text(2000).default(''),
			chronicConditions: text(2000).default(''),
			emergencyContactName: text(120).default(''),
			emergencyContactPhone: phone.optional(),
			preferredLanguage: z.enum(['en', 'ur']).default('en')
		})
		.strict();
}
export type PatientInput = z.infer<ReturnType<typeof patientInput>>;

export const searchInput = z.object({
	q: z.string().trim().max(100).default(''),
	limit: numberField(z.number().int().min(1).max(50).default(20))
});

export const mergeInput = z.object({
	mergeId: uuid(),
	reason: text(500).default('')
});

/** What the patient types: a link code, any case, with or without its dash (checked by normalizeLinkCode). */
export const linkInput = z.object({
	code: z.string().trim().min(1).max(32)
});

/** A record id from a path or a form: anything else is simply no such record, never a database error. */
export const recordId = uuid();
