import { AppError } from '../errors';
import { readJson } from './api';

/**
 * Idempotency keys at the /api/v1 edge. A command takes its key from the `Idempotency-Key`
 * header or, as it always has, from the body's `idempotencyKey` field; the command itself decides
 * whether it needs one.
 */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** The body with the header's key in `idempotencyKey`; a header and a field that disagree are refused. */
export function withIdempotencyKey(request: Request, body: unknown): unknown {
	const header = request.headers.get(IDEMPOTENCY_HEADER);
	if (header === null || body === null || typeof body !== 'object' || Array.isArray(body)) return body;
	const field: unknown = Reflect.get(body, 'idempotencyKey');
	if (field !== undefined && field !== header) {
		throw new AppError('field_invalid', 400, 'The Idempotency-Key header and the idempotencyKey field differ', 'idempotencyKey');
	}
	return { ...body, idempotencyKey: header };
}

/**
 * A command's input: its JSON body with the header's key. `bodyOptional` is for commands whose
 * body would carry nothing but the key (complete, a patient's cancel): no body reads as `{}`.
 */
export async function readCommand(request: Request, options: { bodyOptional?: boolean } = {}): Promise<unknown> {
	const body = options.bodyOptional && !request.headers.get('content-type') ? {} : await readJson(request);
	return withIdempotencyKey(request, body);
}
