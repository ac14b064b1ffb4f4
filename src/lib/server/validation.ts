import type { z } from 'zod';
import { AppError, type ErrorCode, type ErrorParams, type FieldProblem } from './errors';
import { fieldRuleAt, ownCode } from './fieldCodes';
import { unstorableTextAt } from './text';

/**
 * Parses outside input with a zod schema. A refusal is one 400 that names every field's problem
 * at once (`fields`, one per field, in the schema's order), each with its specific code (see
 * `fieldCodes.ts`). The error's own `code`, `field` and `params` are those of the first problem,
 * with the general code it always had (`field_invalid`, `field_too_large`, …), so clients that
 * read only those keep working. Text the database cannot store (a NUL byte, a lone surrogate) is
 * refused anywhere in the input, even in a field the schema would drop, before the schema runs.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
	refuseUnstorableText(input);
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	throw invalidInput(schema, result.error.issues, input);
}

/**
 * For a form whose edge converts a field before the command parses the input (an amount typed in
 * major units): when the conversion refused, this refuses with that problem *and* every other
 * field's problem `schema` finds in `input` (in which the converted field holds a placeholder), in
 * the input's order, so the person sees them all at once instead of one per attempt.
 */
export function refuseWithOtherFields<S extends z.ZodType>(schema: S, input: Record<string, unknown>, refused: AppError): never {
	const own: FieldProblem[] =
		refused.fields.length > 0 ? [...refused.fields] : refused.field ? [{ field: refused.field, code: refused.code, params: refused.params }] : [];
	const rest = schema.safeParse(input);
	const others = rest.success ? null : invalidInput(schema, rest.error.issues, input);
	const order = Object.keys(input);
	const rank = (field: string) => {
		const at = order.indexOf(field.split('.')[0]);
		return at < 0 ? order.length : at;
	};
	const fields = [...own, ...(others?.fields ?? []).filter((o) => !own.some((p) => p.field === o.field))].sort((a, b) => rank(a.field) - rank(b.field));
	const lead = others && others.field !== undefined && rank(others.field) < rank(refused.field ?? '') ? others : refused;
	const message = others ? `${refused.message}; ${others.message}` : refused.message;
	throw new AppError(lead.code, 400, message, lead.field, lead.params, fields);
}

/** The one refusal for all of these zod issues of `schema`. */
function invalidInput(schema: z.core.$ZodType, issues: readonly z.core.$ZodIssue[], input: unknown): AppError {
	const first = issues[0];
	const field = pathOf(first) || undefined;
	const general = describeIssue(first, input);
	const seen = new Set<string>();
	const fields: FieldProblem[] = [];
	for (const issue of issues) {
		const path = pathOf(issue);
		// A field answers for its first problem only; "a real date" comes before "not in the future".
		if (!path || seen.has(path)) continue;
		seen.add(path);
		fields.push({ field: path, ...specificProblem(schema, issue, input) });
	}
	const message = issues.map((i) => `${pathOf(i) || 'input'}: ${i.message}`).join('; ');
	return new AppError(general.code, 400, message, field, general.params, fields);
}

const pathOf = (issue: z.core.$ZodIssue) => issue.path.map(String).join('.');

/**
 * What exactly is wrong with one field: a value left out (or a form's empty box) is
 * `field_required`; else the code its rule was raised with (`problem`), else its field's code
 * (`withFieldCode`), else a code read from the kind of check (an email, a date, a choice), else
 * the general code.
 */
function specificProblem(schema: z.core.$ZodType, issue: z.core.$ZodIssue, input: unknown): { code: ErrorCode; params: ErrorParams } {
	const general = describeIssue(issue, input);
	if (general.code === 'field_required') return general;
	const value = valueAt(input, issue.path);
	if (typeof value === 'string' && value.trim() === '') return { code: 'field_required', params: {} };
	const own = issue.code === 'custom' ? ownCode(issue.params) : undefined;
	if (own) return own;
	const rule = fieldRuleAt(schema, issue.path);
	if (rule) return { code: rule.code, params: { ...general.params, ...rule.params } };
	return { code: kindCode(issue) ?? general.code, params: general.params };
}

function kindCode(issue: z.core.$ZodIssue): ErrorCode | undefined {
	if (issue.code === 'invalid_format' && issue.format === 'email') return 'email_invalid';
	if (issue.code === 'invalid_format' && issue.format === 'date') return 'date_invalid';
	if (issue.code === 'invalid_format' && issue.format === 'time') return 'time_invalid';
	if (issue.code === 'invalid_format' && issue.format === 'uuid') return 'id_invalid';
	if (issue.code === 'invalid_value') return 'choice_invalid';
	// A union of literals (a slot length of 10, 15, 20 or 30) refuses a value none of them is.
	if (issue.code === 'invalid_union' && issue.errors.every((branch) => branch.every((i) => i.code === 'invalid_value'))) return 'choice_invalid';
	return undefined;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): { code: ErrorCode; params: ErrorParams } {
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
