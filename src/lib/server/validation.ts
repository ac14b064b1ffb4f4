import type { z } from 'zod';
import { AppError, type ErrorCode } from './errors';
import { unstorableTextAt } from './text';

/**
 * Parses outside input with a zod schema; the first problem becomes a field error value. Text the
 * database cannot store (a NUL byte, a lone surrogate) is refused anywhere in the input, even in a
 * field the schema would drop, before the schema runs.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
	refuseUnstorableText(input);
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	const issue = result.error.issues[0];
	const field = issue.path.map(String).join('.') || undefined;
	const { code, params } = describeIssue(issue, input);
	throw new AppError(code, 400, `${field ?? 'input'}: ${issue.message}`, field, params);
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): { code: ErrorCode; params: Record<string, number> } {
	// Numbers are bounded in value, not length: "at least 0 characters" would mislead.
	const numeric = (issue.code === 'too_small' || issue.code === 'too_big') && (issue.origin === 'number' || issue.origin === 'bigint');
	if (numeric && issue.code === 'too_small') return { code: 'field_too_small', params: { min: Number(issue.minimum) } };
	if (numeric && issue.code === 'too_big') return { code: 'field_too_large', params: { max: Number(issue.maximum) } };
	if (issue.code === 'too_small') {
		const missing = issue.minimum === 1 && issue.origin === 'string';
		return { code: missing ? 'field_required' : 'field_too_short', params: { min: Number(issue.minimum) } };
	}
	if (issue.code === 'too_big') return { code: 'field_too_long', params: { max: Number(issue.maximum) } };
	// A missing enum value fails as invalid_value, not invalid_type; either way the field was simply left out.
	if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && valueAt(input, issue.path) === undefined) {
		return { code: 'field_required', params: {} };
	}
	return { code: 'field_invalid', params: {} };
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
	let current: unknown = input;
	for (const key of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = Reflect.get(current, key);
	}
	return current;
}

/**
 * Throws a 400 naming the first field whose text cannot be stored: `field_invalid`, the code such
 * a value always had, with `reason: 'text'` so the message says what is wrong with it.
 */
export function refuseUnstorableText(input: unknown): void {
	const at = unstorableTextAt(input);
	if (at === null) return;
	throw new AppError('field_invalid', 400, `${at || 'input'}: contains a NUL byte or a broken character`, at || undefined, { reason: 'text' });
}
