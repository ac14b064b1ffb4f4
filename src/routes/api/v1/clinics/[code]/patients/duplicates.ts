import { json } from '@sveltejs/kit';
import { errorMessage } from '$lib/i18n/errors';
import { duplicateView, type patientSummaryView } from '$lib/server/openapi/patients';
import type { z } from 'zod';

const OPTION_KEYS = new Set(['allowDuplicate', 'idempotencyKey']);

/** The request options travel beside the record's fields; the record schema is strict, so they are taken out first. */
export function splitOptions(body: unknown): { options: Record<string, unknown>; record: unknown } {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return { options: {}, record: body };
	const entries = Object.entries(body);
	return {
		options: Object.fromEntries(entries.filter(([k]) => OPTION_KEYS.has(k))),
		record: Object.fromEntries(entries.filter(([k]) => !OPTION_KEYS.has(k)))
	};
}

/** 409 with the records that may be the same person, so the caller can decide and resend with allowDuplicate. */
export function duplicateResponse(candidates: z.infer<typeof patientSummaryView>[]): Response {
	const body = duplicateView.parse({ error: { code: 'possible_duplicate', message: errorMessage('possible_duplicate') }, candidates });
	return json(body, { status: 409 });
}
