import { deserialize } from '$app/forms';
import { m } from '$lib/paraglide/messages.js';
import type { FormError } from '$lib/server/edge/types';

/** A refusal as the action sent it, `fields` included. */
export type ActionError = FormError;
export type ActionResult = { ok: true; data: Record<string, unknown> } | { ok: false; error: ActionError };

const isActionError = (v: unknown): v is ActionError =>
	typeof v === 'object' && v !== null && typeof Reflect.get(v, 'code') === 'string' && typeof Reflect.get(v, 'message') === 'string';

/**
 * Calls a form action of a page from script (drag and drop, dialogs), the way `use:enhance`
 * would, and answers with the action's data or its translated error.
 */
export async function postAction(page: string, action: string, fields: Record<string, string | number | undefined>): Promise<ActionResult> {
	const body = new FormData();
	for (const [key, value] of Object.entries(fields)) if (value !== undefined) body.set(key, String(value));
	let response: Response;
	try {
		response = await fetch(`${page}?/${action}`, { method: 'POST', body, headers: { 'x-sveltejs-action': 'true', accept: 'application/json' } });
	} catch {
		return { ok: false, error: { code: 'offline', message: m.scheduling_offline() } };
	}
	const result = deserialize(await response.text());
	if (result.type === 'success') return { ok: true, data: result.data ?? {} };
	if (result.type === 'failure') {
		const error: unknown = result.data?.error;
		if (isActionError(error)) return { ok: false, error };
	}
	return { ok: false, error: { code: 'internal', message: m.error_internal() } };
}

/** A fresh idempotency key: one per dialog, so a retried submit never books twice. */
export function newIdempotencyKey(): string {
	return crypto.randomUUID();
}

export type FreeSlot = { start: string; end: string };
const isSlot = (v: unknown): v is FreeSlot =>
	typeof v === 'object' && v !== null && typeof Reflect.get(v, 'start') === 'string' && typeof Reflect.get(v, 'end') === 'string';

/** A doctor's free slots on a clinic day (of an appointment type's length, given its id), from the scheduling API (empty when it cannot answer). */
export async function fetchFreeSlots(clinicCode: string, doctorId: string, day: string, typeId = ''): Promise<FreeSlot[]> {
	if (!doctorId || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return [];
	const type = typeId ? `&typeId=${encodeURIComponent(typeId)}` : '';
	try {
		const response = await fetch(`/api/v1/clinics/${encodeURIComponent(clinicCode)}/slots?doctor=${encodeURIComponent(doctorId)}&date=${day}${type}`);
		const body: unknown = response.ok ? await response.json() : null;
		const list: unknown = body && typeof body === 'object' ? Reflect.get(body, 'slots') : null;
		return Array.isArray(list) ? list.filter(isSlot) : [];
	} catch {
		return [];
	}
}
