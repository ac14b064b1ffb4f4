import { z } from 'zod';
import { ERROR_CODES, type ErrorCode, type ErrorParams } from './errors';

/**
 * How a schema names the specific code of a field's problem, so that `parseInput` can tell a
 * person what is wrong and what is accepted ("Age must be a whole number from 0 to 125") rather
 * than "This value is not valid". Two ways, both written beside the rule they explain:
 *
 * - `withFieldCode(schema, code, params)`: every problem of this field has this code, whichever
 *   check finds it (a word where a number belongs, a number too large). A value left out stays
 *   `field_required`. Building blocks carry theirs (`email`, `isoDay`, `phoneSchema`), so a form
 *   that uses them needs nothing more.
 * - `problem(code, message)`: the options of one `refine` (or the fields of `ctx.addIssue`), for
 *   a rule with its own sentence ("The birth date cannot be in the future").
 */

export type FieldRule = { code: ErrorCode; params?: ErrorParams };

const fieldRules = z.registry<FieldRule>();

/** This field's problems all have `code` (and the sentence's `params`); see the module comment. */
export function withFieldCode<S extends z.ZodType>(schema: S, code: ErrorCode, params?: ErrorParams): S {
	const rule: FieldRule = params ? { code, params } : { code };
	fieldRules.add(schema, rule);
	return schema;
}

/** The options of a `refine` whose failure has its own code; `message` is English for logs. */
export function problem(code: ErrorCode, message: string, params: ErrorParams = {}) {
	return { message, params: { ...params, code } };
}

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);
const isErrorCode = (value: unknown): value is ErrorCode => typeof value === 'string' && KNOWN.has(value);

/** The code (and the remaining parameters) a custom issue was raised with by `problem`, if any. */
export function ownCode(params: Record<string, unknown> | undefined): { code: ErrorCode; params: ErrorParams } | undefined {
	if (!params || !isErrorCode(params.code)) return undefined;
	const rest: ErrorParams = {};
	for (const [key, value] of Object.entries(params)) {
		if (key !== 'code' && (typeof value === 'string' || typeof value === 'number')) rest[key] = value;
	}
	return { code: params.code, params: rest };
}

type Schema = z.core.$ZodType;

/** The schemas a wrapper stands for at the same place in the input (an optional's inner schema, both ends of a pipe). */
function sameValue(schema: Schema): Schema[] {
	if (
		schema instanceof z.ZodOptional ||
		schema instanceof z.ZodNullable ||
		schema instanceof z.ZodDefault ||
		schema instanceof z.ZodPrefault ||
		schema instanceof z.ZodNonOptional ||
		schema instanceof z.ZodReadonly ||
		schema instanceof z.ZodCatch
	) {
		return [schema.unwrap()];
	}
	if (schema instanceof z.ZodPipe) return [schema.in, schema.out];
	if (schema instanceof z.ZodUnion) return [...schema.options];
	return [];
}

/** The schema itself and every schema it wraps, outermost first. */
function unwrapped(schema: Schema): Schema[] {
	const found: Schema[] = [];
	const pending = [schema];
	for (let next = pending.shift(); next && found.length < 64; next = pending.shift()) {
		if (found.includes(next)) continue;
		found.push(next);
		pending.push(...sameValue(next));
	}
	return found;
}

function childAt(schema: Schema, key: PropertyKey): Schema | undefined {
	if (schema instanceof z.ZodObject) return typeof key === 'string' ? schema.shape[key] : undefined;
	if (schema instanceof z.ZodArray) return schema.element;
	if (schema instanceof z.ZodRecord) return schema.valueType;
	return undefined;
}

/** The rule registered for the field at `path` of `schema`: the outermost one when several wrap each other. */
export function fieldRuleAt(schema: Schema, path: readonly PropertyKey[]): FieldRule | undefined {
	let here = [schema];
	for (const key of path) {
		here = here.flatMap(unwrapped).flatMap((s) => childAt(s, key) ?? []);
		if (here.length === 0) return undefined;
	}
	for (const candidate of here.flatMap(unwrapped)) {
		const rule = fieldRules.get(candidate);
		if (rule && isErrorCode(rule.code)) return rule;
	}
	return undefined;
}
