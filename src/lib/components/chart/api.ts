import { m } from '$lib/paraglide/messages.js';
import type { FormError } from '$lib/server/edge/types';

/**
 * The chart screen's calls to the visits API (`/api/v1/clinics/{code}/…`), as the contract
 * has them: JSON in and out, `idempotencyKey` on every change, refusals as `{error: {code,
 * message, field}}` (the message already in the person's language).
 */
export type ApiResult<T> = { ok: true; body: T } | { ok: false; status: number; error: FormError };

const isApiError = (v: unknown): v is FormError =>
	typeof v === 'object' && v !== null && typeof Reflect.get(v, 'code') === 'string' && typeof Reflect.get(v, 'message') === 'string';

async function call<T>(method: 'GET' | 'POST', path: string, body?: Record<string, unknown>): Promise<ApiResult<T>> {
	let response: Response;
	try {
		response = await fetch(path, {
			method,
			headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
			body: body ? JSON.stringify(body) : undefined
		});
	} catch {
		return { ok: false, status: 0, error: { code: 'offline', message: m.chart_error_offline() } };
	}
	const parsed: unknown = await response.json().catch(() => null);
	if (response.ok) return { ok: true, body: parsed as T };
	const error: unknown = parsed && typeof parsed === 'object' ? Reflect.get(parsed, 'error') : null;
	return { ok: false, status: response.status, error: isApiError(error) ? error : { code: 'internal', message: m.error_internal() } };
}

const base = (clinicCode: string) => `/api/v1/clinics/${encodeURIComponent(clinicCode)}`;

export const completeVisit = (clinicCode: string, visitId: string, idempotencyKey: string) =>
	call<Record<string, unknown>>('POST', `${base(clinicCode)}/visits/${visitId}/complete`, { idempotencyKey });

export const addAddendum = (clinicCode: string, visitId: string, input: { text: string; reason: string; idempotencyKey: string }) =>
	call<Record<string, unknown>>('POST', `${base(clinicCode)}/visits/${visitId}/addenda`, input);

export type Icd10Result = { code: string; title: string };

const isIcd = (v: unknown): v is Icd10Result =>
	typeof v === 'object' && v !== null && typeof Reflect.get(v, 'code') === 'string' && typeof Reflect.get(v, 'title') === 'string';

/** ICD-10 codes matching what the doctor typed (empty when the search cannot answer). */
export async function searchIcd10(clinicCode: string, q: string, signal?: AbortSignal): Promise<Icd10Result[]> {
	try {
		const response = await fetch(`${base(clinicCode)}/icd10?q=${encodeURIComponent(q)}`, { headers: { accept: 'application/json' }, signal });
		const body: unknown = response.ok ? await response.json() : null;
		const results: unknown = body && typeof body === 'object' ? Reflect.get(body, 'results') : null;
		return Array.isArray(results) ? results.filter(isIcd) : [];
	} catch {
		return [];
	}
}
