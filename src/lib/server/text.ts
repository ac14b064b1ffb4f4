import { z } from 'zod';
import { withFieldCode } from './fieldCodes';

/**
 * What outside text may contain, and the zod building blocks every input schema uses. PostgreSQL
 * cannot store a NUL byte in text, and a lone UTF-16 surrogate cannot be written as UTF-8 (the
 * audit log's JSON refuses it), so both are refused at the edge with a clear error instead of
 * failing deep inside a command.
 */

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** True when the database can store this text as it is. */
export function isStorableText(value: string): boolean {
	return !UNSTORABLE.test(value);
}

/**
 * The path (`a.b.0`) of the first string in `value`, key or value, that cannot be stored; `''`
 * for the value itself; null when every string is fine. Walks plain JSON (objects, arrays)
 * without recursion, so a body nested thousands deep cannot overflow the stack.
 */
export function unstorableTextAt(value: unknown): string | null {
	type Step = { value: unknown; key: string; parent: Step | null };
	const pathOf = (step: Step | null): string => {
		const keys: string[] = [];
		for (let s = step; s?.parent; s = s.parent) keys.unshift(s.key);
		return keys.join('.');
	};
	const pending: Step[] = [{ value, key: '', parent: null }];
	for (let step = pending.pop(); step; step = pending.pop()) {
		const current = step.value;
		if (typeof current === 'string') {
			if (!isStorableText(current)) return pathOf(step);
			continue;
		}
		if (current === null || typeof current !== 'object') continue;
		const entries: [string, unknown][] = Array.isArray(current) ? current.map((item, i) => [String(i), item]) : Object.entries(current);
		for (const [key] of entries) {
			if (!isStorableText(key)) return pathOf({ value: null, key: key.replace(new RegExp(UNSTORABLE, 'g'), '?'), parent: step });
		}
		// Reversed, so that the first field is looked at first.
		for (const [key, item] of entries.reverse()) pending.push({ value: item, key, parent: step });
	}
	return null;
}

/** Text a person typed: trimmed, bounded, no control characters, nothing the database cannot store. */
export const cleanText = (max: number) =>
	z
		.string()
		.trim()
		.max(max)
		.refine((v) => !CONTROL.test(v), 'must not contain control characters')
		.refine(isStorableText, 'must not contain broken characters');

/** The days a clinic means: birth dates from 1900, bookings and closures up to 2200. */
export const FIRST_DAY = '1900-01-01';
export const LAST_DAY = '2200-12-31';

/** A calendar day `YYYY-MM-DD` between FIRST_DAY and LAST_DAY (0000-01-01 is outside PostgreSQL's range, 9999-12-31 breaks day arithmetic). */
export const isoDay = () =>
	withFieldCode(
		z.iso.date().refine((d) => d >= FIRST_DAY && d <= LAST_DAY, `a date between ${FIRST_DAY} and ${LAST_DAY}`),
		'date_invalid',
		{ from: FIRST_DAY.slice(0, 4), to: LAST_DAY.slice(0, 4) }
	);

/** An instant with an explicit offset or Z, within the same range of days. */
export const isoInstant = () =>
	withFieldCode(
		z.iso
			.datetime({ offset: true })
			.transform((v) => new Date(v))
			.refine((d) => d.getTime() >= Date.parse(`${FIRST_DAY}T00:00:00Z`) && d.getTime() <= Date.parse(`${LAST_DAY}T23:59:59Z`), 'a time between 1900 and 2200'),
		'instant_invalid',
		{ from: FIRST_DAY.slice(0, 4), to: LAST_DAY.slice(0, 4) }
	);

/** A real UUID (RFC 9562 layout), not just 36 hex digits and dashes. */
export const uuid = () => z.uuid();
const uuidSchema = z.uuid();

/** True for a string that is a UUID; anything else can name no row. */
export function isUuid(value: unknown): value is string {
	return uuidSchema.safeParse(value).success;
}

/**
 * A number field: a JSON number as it is, or the decimal digits a form or a query string sends,
 * checked by `inner` (`z.number().int().min(1).max(52)`, with `.optional()` or `.default()`).
 * An empty string is absent; null, true, [] and "12abc" are refused as not numbers, never turned
 * into 0 or 1 as `z.coerce.number()` would.
 */
export const numberField = <T extends z.ZodType>(inner: T) => z.preprocess(fromDigits, inner);

function fromDigits(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	const trimmed = value.trim();
	if (trimmed === '') return undefined;
	// Anything else stays a string, so the schema refuses it as the wrong type.
	return /^[+-]?\d{1,16}$/.test(trimmed) ? Number(trimmed) : value;
}
