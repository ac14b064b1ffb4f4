import { z } from 'zod';

export type JsonSchema = z.core.JSONSchema.BaseSchema;

/**
 * The JSON Schema of a zod schema, for the OpenAPI document. Request bodies use the input side
 * (defaults make a field optional); responses use the output side.
 *
 * Zod describes only the input half of a pipe in input mode, which would drop the checks our
 * text fields make after trimming (`requiredText`: min length; `email`: the format). Where both
 * halves are strings, their constraints are merged, so the document states what is enforced.
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
	const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
		target: 'draft-2020-12',
		io,
		unrepresentable: 'throw',
		override: (ctx) => {
			const def = ctx.zodSchema._zod.def;
			// Only string-into-string pipes: a pipe into a transform (`.transform()`, codecs) has no output schema.
			if (io !== 'input' || def.type !== 'pipe' || def.out._zod.def.type !== 'string' || ctx.jsonSchema.type !== 'string') return;
			const out = z.toJSONSchema(def.out, { target: 'draft-2020-12', io: 'output' });
			for (const key of ['minLength', 'maxLength', 'pattern', 'format'] as const) {
				if (out[key] !== undefined) Object.assign(ctx.jsonSchema, { [key]: out[key] });
			}
		}
	});
	return rest;
}
