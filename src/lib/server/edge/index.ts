import { fail, json, type ActionFailure } from '@sveltejs/kit';
import { AppError, isAppError } from '../errors';
import { errorMessage } from '$lib/i18n/errors';
import { logger } from '../logger';

import type { FormError } from './types';
export type { FormError };
export type FormFailure = { error: FormError; values?: Record<string, string> };

/** Maps a command's error to a form failure with a translated message; unknown errors are logged and hidden. */
export function formFailure(e: unknown, values?: Record<string, string>): ActionFailure<FormFailure> {
	const err = toAppError(e);
	return fail(err.status, { error: { code: err.code, message: errorMessage(err.code, err.params), field: err.field }, values });
}

/** `{"error": {"code", "message", "field?"}}` with the error's status. */
export function apiError(e: unknown): Response {
	const err = toAppError(e);
	const headers: Record<string, string> = {};
	if (err.code === 'rate_limited') headers['retry-after'] = String(err.params.seconds ?? 60);
	const body = { error: { code: err.code, message: errorMessage(err.code, err.params), ...(err.field ? { field: err.field } : {}) } };
	return json(body, { status: err.status, headers });
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
