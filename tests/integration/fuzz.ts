/**
 * Hostile requests generated from the OpenAPI document (tests/integration/api-fuzz.test.ts): for
 * every operation, a plausible request built from its schemas, then variants with one part made
 * bad. A variant is either one the API must refuse (NUL, lone surrogates, wrong types, days no
 * clinic means, numbers out of range, malformed bodies) or one it may accept (a field left out or
 * emptied); neither may ever be answered with a 5xx.
 */

type Schema = {
	type?: string | string[];
	format?: string;
	enum?: unknown[];
	const?: unknown;
	anyOf?: Schema[];
	oneOf?: Schema[];
	properties?: Record<string, Schema>;
	required?: string[];
	items?: Schema;
	minLength?: number;
	maxLength?: number;
	minimum?: number;
	maximum?: number;
	minItems?: number;
	default?: unknown;
};

type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema: Schema };
type OperationObject = { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } };

export type Operation = { method: string; path: string; parameters: Parameter[]; body?: Schema };

export type Variant = {
	/** What was made bad, for the failure message. */
	label: string;
	mustRefuse: boolean;
	/** A path that is not valid percent-encoding: SvelteKit refuses it before any route (400). */
	malformedPath?: boolean;
	path: string;
	body?: string | Uint8Array<ArrayBuffer>;
	contentType?: string;
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/**
 * `count` of `items`, starting at `seed`: each field or operation gets a different few of the
 * hostile values, so the whole document meets all of them while the run stays short.
 */
function rotate<T>(items: T[], count: number, seed: number): T[] {
	if (items.length <= count) return items;
	return Array.from({ length: count }, (_, i) => items[(seed + i) % items.length]);
}

/** Every operation of the document. */
export function operationsOf(doc: { paths: Record<string, Record<string, unknown>> }): Operation[] {
	return Object.entries(doc.paths).flatMap(([path, item]) =>
		METHODS.filter((m) => item[m]).map((method) => {
			const op = item[method] as OperationObject;
			// Headers (Idempotency-Key) cannot carry NUL or lone surrogates at all (HTTP refuses them before
			// the server), and putting them in the query string instead would fuzz nothing.
			return {
				method: method.toUpperCase(),
				path,
				parameters: (op.parameters ?? []).filter((p) => p.in !== 'header'),
				body: op.requestBody?.content['application/json']?.schema
			};
		})
	);
}

/** Real ids and values to put in requests, so that refusals come from validation, not from "no such thing". */
export type Fixture = { values: Record<string, string>; day: string; instant: string };

const NUL = 'LHR01\u0000';
const HIGH_SURROGATE = 'Dr \uD800 Khan';
const LOW_SURROGATE = '\uDC00room';
const FAR_PAST = '0000-01-01';
const FAR_FUTURE = '9999-12-31';

/** A value the schema accepts, preferring the fixture's real value for a field of that name. */
export function sampleOf(schema: Schema, name: string, fx: Fixture): unknown {
	if (fx.values[name] !== undefined && typesOf(schema).includes('string')) return fx.values[name];
	if (schema.const !== undefined) return schema.const;
	if (schema.enum) return schema.enum[0];
	const branches = schema.properties ? undefined : (schema.anyOf ?? schema.oneOf);
	if (branches) return sampleOf(branches.find((b) => !typesOf(b).includes('null')) ?? branches[0], name, fx);
	const type = typesOf(schema)[0];
	if (type === 'object') {
		return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, prop]) => [key, sampleOf(prop, key, fx)]));
	}
	if (type === 'array') return schema.items ? Array.from({ length: Math.max(1, schema.minItems ?? 0) }, () => sampleOf(schema.items!, name, fx)) : [];
	if (type === 'integer' || type === 'number') return schema.minimum !== undefined && schema.minimum > 0 ? schema.minimum : Math.min(1, schema.maximum ?? 1);
	if (type === 'boolean') return false;
	if (type === 'null') return null;
	if (schema.format === 'date') return fx.day;
	if (schema.format === 'date-time') return fx.instant;
	if (schema.format === 'email') return `fuzz-${name}@example.test`;
	if (schema.format === 'uri') return 'https://push.example.test/fuzz';
	if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
	const text = `Fuzz ${name} value`;
	return text.slice(0, schema.maxLength ?? text.length).padEnd(schema.minLength ?? 0, 'x');
}

function typesOf(schema: Schema): string[] {
	if (Array.isArray(schema.type)) return schema.type;
	if (schema.type) return [schema.type];
	if (schema.properties) return ['object'];
	const branches = schema.anyOf ?? schema.oneOf;
	if (branches) return branches.flatMap(typesOf);
	if (schema.enum) return [...new Set(schema.enum.map((v) => (v === null ? 'null' : typeof v)))];
	if (schema.const !== undefined) return [typeof schema.const];
	return [];
}

/** Values this field must refuse, whatever else the request says. */
function refusedValues(schema: Schema): [string, unknown][] {
	const types = typesOf(schema);
	const out: [string, unknown][] = [];
	if (types.includes('string')) {
		out.push(['a NUL byte', NUL], ['a lone high surrogate', HIGH_SURROGATE], ['a lone low surrogate', LOW_SURROGATE]);
		if (!types.includes('number') && !types.includes('integer')) out.push(['an object', { nested: 'x' }], ['an array', ['x']]);
		if (schema.maxLength !== undefined) out.push(['a huge string', 'x'.repeat(Math.max(schema.maxLength + 1, 20_000))]);
	}
	if (schema.format === 'date') out.push(['year 0000', FAR_PAST], ['year 9999', FAR_FUTURE], ['30 February', '2030-02-30']);
	if (schema.format === 'date-time') out.push(['year 0000', '0000-01-01T10:00:00Z'], ['year 9999', '9999-12-31T23:30:00Z']);
	if (schema.format === 'uuid') out.push(['36 dashes', '-'.repeat(36)], ['36 zeros', '0'.repeat(36)]);
	if (types.includes('integer') || (types.includes('number') && !types.includes('null'))) {
		out.push(['1e308', 1e308], ['-1e308', -1e308], ['an array', []], ['true', true]);
		if (types.includes('integer')) out.push(['a fraction', 1.5]);
	}
	if (types.includes('boolean')) out.push(['a string for a boolean', 'yes'], ['a number for a boolean', 1]);
	if (schema.enum && types.includes('string')) out.push(['a value outside the enum', 'nonsense']);
	if (!types.includes('null')) out.push(['null', null]);
	return out;
}

/** Values that may be accepted (the field is optional, or empty means absent) but must never break the server. */
const tolerated: [string, unknown][] = [
	['left out', undefined],
	['an empty string', ''],
	['zero', 0]
];

type Field = { path: string[]; schema: Schema };

/** The fields of a body, down to the first item of nested arrays. */
function fieldsOf(schema: Schema, path: string[] = [], depth = 0): Field[] {
	if (depth > 3) return [];
	if (typesOf(schema)[0] === 'array' && schema.items) return fieldsOf(schema.items, [...path, '0'], depth + 1);
	if (!schema.properties) return path.length ? [{ path, schema }] : [];
	const own = path.length ? [{ path, schema }] : [];
	return [...own, ...Object.entries(schema.properties).flatMap(([key, prop]) => fieldsOf(prop, [...path, key], depth + 1))];
}

function withValue(base: unknown, path: string[], value: unknown): unknown {
	const copy: unknown = structuredClone(base);
	let target = copy;
	for (const key of path.slice(0, -1)) target = (target as Record<string, unknown>)[key];
	const last = path[path.length - 1];
	if (value === undefined) delete (target as Record<string, unknown>)[last];
	else (target as Record<string, unknown>)[last] = value;
	return copy;
}

function urlOf(op: Operation, fx: Fixture, override: Record<string, string> = {}, query: Record<string, string> = {}): string {
	const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encode(override[name] ?? fx.values[name] ?? name));
	const search = op.parameters
		.filter((p) => p.in === 'query')
		.map((p) => `${p.name}=${encode(query[p.name] ?? String(sampleOf(p.schema, p.name, fx)))}`)
		.join('&');
	return `/api/v1${path}${search ? `?${search}` : ''}`;
}

/** Percent-encodes, sending a lone surrogate as the bytes of its UTF-16 unit (which no decoder accepts) rather than throwing. */
function encode(value: string): string {
	return encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, '\uFFFD')).replace(/%EF%BF%BD/g, '%ED%A0%80');
}

/** Every variant of one operation. */
export function variantsOf(op: Operation, fx: Fixture, seed = 0): Variant[] {
	const out: Variant[] = [];
	const base = op.body ? sampleOf(op.body, 'body', fx) : undefined;
	const json = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value));
	const url = urlOf(op, fx);
	for (const p of op.parameters) {
		const others: [string, string][] = [
			['a lone surrogate', 'x\uD800'],
			['36 dashes', '-'.repeat(36)],
			['a huge value', 'x'.repeat(5_000)]
		];
		if (p.schema.format === 'date') others.push(['year 0000', FAR_PAST], ['year 9999', FAR_FUTURE]);
		if (p.schema.type === 'integer') others.push(['1e308', '1e308'], ['a fraction', '1.5'], ['a word', 'lots']);
		const bad: [string, string][] = [['a NUL byte', p.in === 'path' ? `${fx.values[p.name] ?? 'x'}\u0000` : NUL], ...rotate(others, 2, seed++)];
		for (const [what, value] of bad) {
			const path = p.in === 'path' ? urlOf(op, fx, { [p.name]: value }) : urlOf(op, fx, {}, { [p.name]: value });
			// A query string may be searched for anything; the rest names nothing that can exist.
			const mustRefuse = p.in === 'path' || p.schema.format !== undefined || p.schema.type === 'integer' || what === 'a NUL byte';
			const malformedPath = p.in === 'path' && what === 'a lone surrogate';
			out.push({
				label: `${p.in} ${p.name}: ${what}`,
				mustRefuse,
				malformedPath,
				path,
				body: json(base),
				contentType: op.body ? 'application/json' : undefined
			});
		}
	}
	if (!op.body) return out;
	for (const field of fieldsOf(op.body)) {
		const name = field.path.join('.');
		const values = refusedValues(field.schema);
		const always = values.filter(([what]) => what === 'a NUL byte');
		const others = values.filter(([what]) => what !== 'a NUL byte');
		for (const [what, value] of [...always, ...rotate(others, 3, seed++)]) {
			out.push({ label: `${name}: ${what}`, mustRefuse: true, path: url, body: json(withValue(base, field.path, value)), contentType: 'application/json' });
		}
		for (const [what, value] of rotate(tolerated, 1, seed)) {
			out.push({ label: `${name}: ${what}`, mustRefuse: false, path: url, body: json(withValue(base, field.path, value)), contentType: 'application/json' });
		}
	}
	const wholeBody: [string, string, string][] = [
		['a key with a NUL byte', JSON.stringify({ ...(base as object), 'na\u0000me': 'x' }), 'application/json'],
		['an escaped lone surrogate', JSON.stringify(base).replace(/^\{/, '{"fuzzExtra":"\\udc00",'), 'application/json'],
		['malformed JSON', '{"name": ', 'application/json'],
		['JSON null', 'null', 'application/json'],
		['a JSON array', '[]', 'application/json'],
		['a JSON string', '"x"', 'application/json'],
		['a form body', 'name=x', 'application/x-www-form-urlencoded'],
		['plain text', JSON.stringify(base), 'text/plain'],
		['deep nesting', '['.repeat(5_000) + ']'.repeat(5_000), 'application/json']
	];
	const [nulKey, surrogate, ...restOfBody] = wholeBody;
	for (const [what, body, contentType] of [nulKey, surrogate, ...rotate(restOfBody, 2, seed)])
		out.push({ label: `body: ${what}`, mustRefuse: true, path: url, body, contentType });
	return out;
}
