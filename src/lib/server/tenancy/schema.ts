import { z } from 'zod';
import { ROLES } from '../db/schema';
import { cleanText, uuid } from '../text';
import { withFieldCode } from '../fieldCodes';
import { minorUnitOf } from '../../data/iso4217';

/** Any zone the runtime's tz database knows, including current names ICU lists under old ones (Asia/Kathmandu). */
function isTimeZone(value: string): boolean {
	if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$/.test(value)) return false;
	try {
		new Intl.DateTimeFormat('en', { timeZone: value });
		return true;
	} catch {
		return false;
	}
}

/** Text a person typed: trimmed, no control characters, nothing the database cannot store, bounded. */
export const text = cleanText;
export const requiredText = (max: number) => text(max).pipe(z.string().min(1));

export const email = withFieldCode(z.string().trim().toLowerCase().max(254).pipe(z.email()), 'email_invalid');
export const password = withFieldCode(z.string().min(10).max(200), 'password_length', { min: 10, max: 200 });
export const personName = requiredText(120);
export const clinicCode = withFieldCode(
	z
		.string()
		.trim()
		.toUpperCase()
		.pipe(
			z
				.string()
				.min(3)
				.max(8)
				.regex(/^[A-Z0-9]+$/, 'letters and digits only')
		),
	'clinic_code_invalid',
	{ min: 3, max: 8 }
);
// The places and money of a clinic are chosen from lists: a value outside them is "choose one of the options".
export const timezone = withFieldCode(z.string().trim().max(64).refine(isTimeZone, 'not a known IANA time zone'), 'choice_invalid');
export const currency = withFieldCode(
	z
		.string()
		.trim()
		.toUpperCase()
		.refine((v) => minorUnitOf(v) !== undefined, 'not an ISO 4217 currency code'),
	'choice_invalid'
);
export const country = withFieldCode(
	z
		.string()
		.trim()
		.toUpperCase()
		.regex(/^[A-Z]{2}$/, 'two-letter country code'),
	'choice_invalid'
);
export const role = z.enum(ROLES);

export const clinicInput = z.object({
	name: requiredText(120),
	code: clinicCode,
	country,
	state: text(120).default(''),
	city: requiredText(120),
	timezone,
	currency
});
export type ClinicInput = z.infer<typeof clinicInput>;

export const setupInput = z.object({
	clinic: clinicInput,
	admin: z.object({ name: personName, email, password })
});
export type SetupInput = z.infer<typeof setupInput>;

/** Without a password a new account is invited by email to set its own; an existing account keeps its own. */
export const memberInput = z.object({ email, name: personName, role, password: password.optional() });
export type MemberInput = z.infer<typeof memberInput>;

/** The largest fee in minor units (1,000,000.00 in a two-decimal currency); well inside a 32-bit integer. */
export const MAX_FEE_MINOR = 100_000_000;

export const doctorProfileInput = z.object({
	specialization: text(120).default(''),
	registrationNumber: text(60).default(''),
	/** Integer minor units of the clinic's currency; routes convert what people type with `parseMajorAmount`. */
	consultationFee: z.number().int().min(0).max(MAX_FEE_MINOR).default(0),
	listing: z.enum(['public', 'private']).default('public'),
	/** The room called patients are sent to (a room of the clinic in use); null clears it, left out keeps it. */
	defaultRoomId: uuid().nullable().optional()
});
export type DoctorProfileInput = z.infer<typeof doctorProfileInput>;

/** A colour `#rrggbb`, stored in lower case (a clinic's brand colour, an appointment type's). */
export const hexColor = withFieldCode(
	z
		.string()
		.trim()
		.regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #0f766e')
		.transform((v) => v.toLowerCase()),
	'color_invalid'
);

export const clinicSettingsInput = z.object({
	name: requiredText(120),
	require2fa: z.boolean(),
	color: hexColor.optional(),
	tagline: text(160).optional(),
	/** The unit the screens show and take temperatures in (the API and the chart keep °C); absent keeps it. */
	temperatureUnit: z.enum(['C', 'F']).optional(),
	/** Batches expiring within this many days are not dispensed; absent keeps it. */
	nearExpiryDays: z.coerce.number().int().min(0).max(365).optional(),
	/** The month (1–12) the fiscal year starts, when invoice numbers restart; absent keeps it. */
	fiscalYearStartMonth: withFieldCode(z.coerce.number().int().min(1).max(12), 'choice_invalid').optional(),
	/** The tax registration number printed on invoices; '' clears it, absent keeps it. */
	taxNumber: text(40).optional()
});
export type ClinicSettingsInput = z.infer<typeof clinicSettingsInput>;
