import { fail, json, type ActionFailure } from '@sveltejs/kit';
import { AppError, fieldProblems, isAppError } from '../errors';
import { errorMessage } from '$lib/i18n/errors';
import { logger } from '../logger';

import type { ClashMessage, FieldMessage, FormError, RefusalLists } from './types';
export type { ClashMessage, FieldMessage, FormError };
export type FormFailure = { error: FormError; values?: Record<string, string> };
export type TranslatedError = { code: string; message: string; field?: string; fields: FieldMessage[]; clashes?: ClashMessage[] } & RefusalLists;

/**
 * An error in the request's language, as every edge sends it: each field's problem with its own
 * sentence in `fields`; at the top the general code, the first field and that field's sentence;
 * then the refusal's own named lists (`appointments`), as they are.
 */
export function translatedError(err: AppError): TranslatedError {
	const fields = fieldProblems(err).map((p) => ({ field: p.field, code: p.code, message: errorMessage(p.code, p.params) }));
	const lead = err.fields.length > 0 && fields[0]?.field === err.field ? fields[0].message : errorMessage(err.code, err.params);
	return { code: err.code, message: lead, ...(err.field ? { field: err.field } : {}), fields, ...err.lists, ...clashesOf(err) };
}

/** A recurring booking's clashing dates, each with its reason's sentence; nothing for any other error. */
function clashesOf(err: AppError): { clashes?: ClashMessage[] } {
	if (err.clashes.length === 0) return {};
	return { clashes: err.clashes.map((c) => ({ ...c, message: errorMessage(c.reason) })) };
}

/** Maps a command's error to a form failure with translated messages; unknown errors are logged and hidden. */
export function formFailure(e: unknown, values?: Record<string, string>): ActionFailure<FormFailure> {
	const err = toAppError(e);
	return fail(err.status, { error: translatedError(err), values });
}

/** `{"error": {"code", "message", "field?", "fields"}}` with the error's status. */
export function apiError(e: unknown): Response {
	const err = toAppError(e);
	const headers: Record<string, string> = {};
	if (err.code === 'rate_limited') headers['retry-after'] = String(err.params.seconds ?? 60);
	return json({ error: translatedError(err) }, { status: err.status, headers });
}

export function toAppError(e: unknown): AppError {
	if (isAppError(e)) return e;
	logger().error({ err: e }, 'unexpected error');
	return new AppError('internal', 500, 'Internal error');
}

/** Reads a form into a plain object; empty strings become undefined so defaults apply. */
export async function formValues(request: Request): Promise<Record<string, string>> {
	const data = await request.formData();
	const values: Record<string, string> = {};
	for (const [key, value] of data) {
		if (typeof value === 'string') values[key] = value;
	}
	return values;
}

/** Parses a JSON request body, answering malformed JSON with a 400 value. */
export async function jsonBody(request: Request): Promise<unknown> {
	const type = request.headers.get('content-type') ?? '';
	if (!type.includes('application/json')) throw new AppError('invalid_json', 415, 'Send application/json');
	try {
		return await request.json();
	} catch {
		throw new AppError('invalid_json', 400, 'Malformed JSON');
	}
}
