import { json, type RequestEvent } from '@sveltejs/kit';
import { AppError, isAppError, notFound, unauthenticated, type EdgeErrorCode } from '../errors';
import { getDatabase } from '../db';
import { accountRefusal, clinicAccess, type AccessRefusal, type ClinicAccess } from '../tenancy/access';
import type { SessionUser } from '../auth/session';
import { errorMessage } from '$lib/i18n/errors';
import { apiError } from './index';
import { isUuid } from '../text';
import { refuseUnstorableText } from '../validation';

/**
 * The /api/v1 edge: JSON bodies read with a size cap, the caller and their clinic resolved as
 * error values, and every failure answered as `{"error": {"code", "message", "field?", "fields"}}`
 * (`translatedError` in `./index`: every field's problem in `fields`, the first one at the top).
 */

/** Bodies larger than this are refused before parsing; no API input needs more. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The codes of the edge's own protocol errors (an unknown path is the domain's `not_found`). */
type EdgeCode = EdgeErrorCode | 'not_found';

/** A protocol failure (wrong method, wrong content type) that is not a domain error. */
class EdgeError extends Error {
	constructor(
		readonly status: number,
		readonly code: EdgeCode,
		readonly headers: Record<string, string> = {}
	) {
		super(code);
	}
}

export function edgeErrorResponse(status: number, code: EdgeCode, headers: Record<string, string> = {}): Response {
	return json({ error: { code, message: errorMessage(code), fields: [] } }, { status, headers });
}

/**
 * Wraps a handler so that anything it throws becomes a JSON error: AppErrors keep their code,
 * status and field; anything else is logged and answered 500 without details.
 */
export function apiRoute<E extends RequestEvent>(handler: (event: E) => Promise<Response>): (event: E) => Promise<Response> {
	return async (event) => {
		try {
			return await handler(event);
		} catch (e) {
			if (e instanceof EdgeError) return edgeErrorResponse(e.status, e.code, e.headers);
			return apiError(e);
		}
	};
}

/** The `fallback` export of an API route: any method it does not serve gets 405 and `Allow`. */
export function methodNotAllowed(...allowed: string[]) {
	return async () => edgeErrorResponse(405, 'method_not_allowed', { allow: allowed.join(', ') });
}

export const created = (body: unknown) => json(body, { status: 201 });

/**
 * Reads a JSON body: 415 unless it says it is JSON, 413 past MAX_BODY_BYTES (by the declared
 * length, and by what actually arrives, since a chunked body declares none), 400 when malformed,
 * and 400 `invalid_text` when any string or key in it holds text the database cannot store.
 */
export async function readJson(request: Request): Promise<unknown> {
	const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
	if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
		throw new EdgeError(415, 'unsupported_media_type');
	}
	const declared = Number(request.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
		await discardBody(request);
		throw tooLarge();
	}
	const bytes = await readCapped(request, MAX_BODY_BYTES);
	let body: unknown;
	try {
		body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
	} catch {
		throw new AppError('invalid_json', 400, 'Malformed JSON');
	}
	refuseUnstorableText(body);
	return body;
}

/** A multipart upload as the API reads it: its text fields and its one file (`file`), if any. */
export type Upload = { fields: Record<string, string>; file: { name: string; bytes: Uint8Array } | null };

/**
 * Reads a `multipart/form-data` body with one file part named `file`: 415 for any other type,
 * 413 `file_too_large` when the declared length is past `maxFileBytes` and a little room for
 * the form's own parts (the domain checks the file's own size), 400 when it cannot be parsed.
 */
export async function readUpload(request: Request, maxFileBytes: number): Promise<Upload> {
	const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
	if (type !== 'multipart/form-data') throw new EdgeError(415, 'unsupported_media_type');
	const declared = Number(request.headers.get('content-length'));
	const tooBig = () => new AppError('file_too_large', 413, 'The file is too large', 'file', { max: maxFileBytes / (1024 * 1024) });
	if (Number.isFinite(declared) && declared > maxFileBytes + MAX_BODY_BYTES) {
		await discardBody(request);
		throw tooBig();
	}
	let form: FormData;
	try {
		form = await request.formData();
	} catch (e) {
		if (hasStatus(e, 413)) throw tooBig();
		throw new AppError('bad_request', 400, 'The upload could not be read');
	}
	const fields: Record<string, string> = {};
	let file: Upload['file'] = null;
	for (const [name, value] of form.entries()) {
		if (typeof value === 'string') fields[name] = value;
		else if (name === 'file' && !file) file = { name: value.name, bytes: new Uint8Array(await value.arrayBuffer()) };
	}
	refuseUnstorableText(fields);
	return { fields, file };
}

const tooLarge = () => new AppError('payload_too_large', 413, `Body over ${MAX_BODY_BYTES} bytes`);

/**
 * Reads what is left of a refused body and drops it. Answering before the body is read would
 * leave it in the keep-alive connection (the client's next request on it then fails), and
 * cancelling the stream destroys the socket before the 413 is written. The adapter's own limit
 * (BODY_SIZE_LIMIT) bounds how much is read; past it the stream errors and Node discards the rest.
 */
async function discardBody(request: Request): Promise<void> {
	if (!request.body || request.bodyUsed) return;
	await drain(request.body.getReader());
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
	try {
		for (;;) {
			const { done } = await reader.read();
			if (done) return;
		}
	} catch {
		// Past the adapter's limit, or the client hung up: nothing more to read either way.
	}
}

async function readCapped(request: Request, max: number): Promise<Uint8Array> {
	if (!request.body) return new Uint8Array();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			size += value.byteLength;
			if (size > max) {
				await drain(reader);
				throw tooLarge();
			}
			chunks.push(value);
		}
	} catch (e) {
		if (isAppError(e)) throw e;
		// The adapter errors the stream itself past its own limit; a client that hangs up mid-body lands here too.
		if (hasStatus(e, 413)) throw tooLarge();
		throw new AppError('bad_request', 400, 'The request body could not be read');
	}
	const bytes = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return bytes;
}

function hasStatus(e: unknown, status: number): boolean {
	return typeof e === 'object' && e !== null && 'status' in e && e.status === status;
}

/**
 * The signed-in person (by the session cookie or `Authorization: Bearer`), else 401; an account
 * whose password an admin reset gets 403 `password_change_required` until it chooses its own.
 */
export function requireApiUser(locals: App.Locals): SessionUser {
	if (!locals.user) throw unauthenticated();
	const refusal = accountRefusal(locals.user);
	if (refusal) throw accessRefused(refusal);
	return locals.user;
}

/**
 * The caller's access to the clinic named in the path, decided by `clinicAccess` like every
 * other door. Another clinic's code, an unknown code and a suspended membership all answer the
 * same 404, so nothing about other clinics leaks; a clinic that requires 2FA refuses a member
 * without it with 403 `two_factor_required`.
 */
export async function requireApiClinic(locals: App.Locals, code: string): Promise<ClinicAccess> {
	const user = requireApiUser(locals);
	const { db } = await getDatabase();
	const decision = await clinicAccess(db, user, { code });
	if (!decision.ok) throw accessRefused(decision.refusal);
	return decision.access;
}

function accessRefused(refusal: AccessRefusal): AppError {
	if (refusal === 'not_found') return notFound('No such clinic');
	return new AppError(refusal, 403, refusal === 'two_factor_required' ? 'This clinic requires two-factor authentication' : 'Choose a new password first');
}

/** An id from the path; one that cannot exist (not a UUID) is simply not found, never a database error. */
export function resourceId(value: string): string {
	if (!isUuid(value)) throw notFound();
	return value;
}
