import { z } from 'zod';
import { jsonSchemaOf, type JsonSchema } from './jsonSchema';
import type { MediaType, Parameter, Response, ResponseOrRef } from './types';

/** One field's problem, with its own specific code and sentence. */
const fieldError = z.object({
	field: z.string().meta({ description: 'The input field at fault, as a dotted path (`weekly.0.end`).', example: 'dateOfBirth' }),
	code: z.string().meta({
		description: 'What exactly is wrong with this field, e.g. `birth_date_in_future`, `age_out_of_range`, `phone_invalid`, `email_invalid`, `field_required`.',
		example: 'birth_date_in_future'
	}),
	message: z.string().meta({
		description: 'A sentence for people saying what is wrong and what is accepted, in the caller\u2019s language.',
		example: 'The birth date cannot be in the future.'
	})
});

/** One date of a recurring booking that cannot be booked. */
export const clash = z.object({
	date: z.string().meta({ description: 'The clinic-local date (YYYY-MM-DD).', example: '2026-12-14' }),
	start: z.string().meta({ description: 'The start asked for that date, ISO 8601 instant (UTC).' }),
	reason: z.string().meta({
		description: 'Why: `slot_taken` (the doctor is booked then), `doctor_off`, `clinic_closed`, or `outside_schedule` (not a slot of the doctor’s hours).',
		example: 'slot_taken'
	}),
	message: z.string().meta({ description: 'The reason as a sentence for people, in the caller’s language.' })
});

/** Every failure, whatever the endpoint: a stable code, a sentence in the caller's language, and every field at fault. */
export const errorBody = z.object({
	error: z.object({
		code: z.string().meta({
			description:
				'Stable, machine-readable reason, e.g. `field_required`, `not_found`. For invalid input it is the general code of the first problem (`field_invalid`, `field_too_large`, …), as it always was; `fields[].code` is specific.',
			example: 'field_invalid'
		}),
		message: z
			.string()
			.meta({ description: 'A sentence for people about the first problem, in the language picked by the PARAGLIDE_LOCALE cookie or Accept-Language.' }),
		field: z
			.string()
			.optional()
			.meta({ description: 'The first input field at fault, as a dotted path (`clinic.code`): the same as `fields[0].field`.', example: 'dateOfBirth' }),
		fields: z
			.array(fieldError)
			.meta({ description: 'Every field at fault, each once, in the order of the request\u2019s schema; empty when the refusal is not about a field.' }),
		clashes: z.array(clash).optional().meta({ description: 'With `series_clashes` only: every date of a recurring booking that cannot be booked, and why.' }),
		warnings: z
			.array(z.object({ id: z.string(), kind: z.enum(['allergy', 'duplicate', 'interaction']), message: z.string() }))
			.optional()
			.meta({ description: 'With `prescription_warning` only: every warning still to override, each by its stable `id`.' })
	})
});

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const jsonContent = (schema: JsonSchema | { $ref: string }): Record<string, MediaType> => ({ 'application/json': { schema } });

/** A JSON request body validated by the given zod schema (the same one the command parses with). */
export const jsonRequest = (schema: z.ZodType) => ({ required: true, content: jsonContent(jsonSchemaOf(schema, 'input')) });

export const jsonResponse = (description: string, schemaName: string): Response => ({ description, content: jsonContent(ref(schemaName)) });

const errorResponse = (description: string, headers?: Response['headers']): Response => ({
	description,
	...(headers ? { headers } : {}),
	content: jsonContent(ref('Error'))
});

/** Shared error responses, referenced by status from each operation. */
export const errorResponses = {
	BadRequest: errorResponse('Invalid input or malformed JSON (`invalid_json`); `fields` names every offending input at once, `field` the first of them.'),
	Unauthenticated: errorResponse('Not signed in: no valid session cookie or bearer token (`unauthenticated`).'),
	Forbidden: errorResponse('Signed in, but the role does not allow this (`forbidden`).'),
	NotFound: errorResponse('No such resource, or it belongs to a clinic the caller is not a member of (`not_found`).'),
	Conflict: errorResponse('The change conflicts with existing data; `code` says how.'),
	PayloadTooLarge: errorResponse('The body is over 64 KB (`payload_too_large`).'),
	UnsupportedMediaType: errorResponse('The body is not sent as `application/json` (`unsupported_media_type`).'),
	UnprocessableEntity: errorResponse(
		'The idempotency key was already used by the caller for a different request (`idempotency_key_reused`): nothing was done.'
	),
	TooManyRequests: errorResponse('Too many failed attempts (`rate_limited`); wait before trying again.', {
		'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer', minimum: 1 } }
	})
} satisfies Record<string, Response>;

export type ErrorResponseName = keyof typeof errorResponses;

const byStatus: Record<ErrorResponseName, string> = {
	BadRequest: '400',
	Unauthenticated: '401',
	Forbidden: '403',
	NotFound: '404',
	Conflict: '409',
	PayloadTooLarge: '413',
	UnsupportedMediaType: '415',
	UnprocessableEntity: '422',
	TooManyRequests: '429'
};

/** The error part of an operation's responses, by name: `errors('BadRequest', 'NotFound')`. */
export function errors(...names: ErrorResponseName[]): Record<string, ResponseOrRef> {
	return Object.fromEntries(names.map((name) => [byStatus[name], { $ref: `#/components/responses/${name}` }]));
}

/** What every endpoint with a JSON body can answer besides its own errors. */
export const bodyErrors = ['BadRequest', 'PayloadTooLarge', 'UnsupportedMediaType'] as const;

/**
 * A command a retry could double. The key comes in the `Idempotency-Key` header or, as before,
 * the body's `idempotencyKey` field (both must then agree); it is the caller's own, so another
 * caller's key never answers with their result.
 */
export function idempotent<O extends { description?: string; parameters?: Parameter[]; responses: Record<string, ResponseOrRef> }>(
	operation: O,
	options: { required: boolean }
): O {
	const rule = options.required ? 'Needs an idempotency key (400 `idempotency_key_required` without one). ' : 'Takes an optional idempotency key. ';
	const note =
		rule +
		'Sending the same key again with the same request returns the first result instead of acting twice; the same key with a different request answers 422 `idempotency_key_reused` and changes nothing. Keys are per caller.';
	return {
		...operation,
		description: operation.description ? `${operation.description} ${note}` : note,
		parameters: [...(operation.parameters ?? []), idempotencyKeyHeader],
		responses: { ...operation.responses, ...errors('BadRequest', 'UnprocessableEntity') }
	};
}

const idempotencyKeyHeader: Parameter = {
	name: 'Idempotency-Key',
	in: 'header',
	required: false,
	description:
		'A key of 8 to 100 characters, new for each request a retry must not repeat (a UUID will do). May be sent as the body’s `idempotencyKey` instead.',
	schema: { type: 'string', minLength: 8, maxLength: 100 }
};

export const pathParameter = (name: string, description: string, schema: JsonSchema): Parameter => ({
	name,
	in: 'path',
	required: true,
	description,
	schema
});
