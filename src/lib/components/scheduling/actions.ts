import { deserialize } from '$app/forms';
import { m } from '$lib/paraglide/messages.js';
import type { FormError } from '$lib/server/edge/types';
import type { PickedPatient } from './types';

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

/** What registering from the booking dialog answers: the new patient, the records that may be them, or the refusal. */
export type Registration =
	{ ok: true; patient: PickedPatient } | { ok: false; duplicates: PickedPatient[] } | { ok: false; error: ActionError; duplicates?: undefined };

const isPicked = (v: unknown): v is PickedPatient =>
	typeof v === 'object' && v !== null && typeof Reflect.get(v, 'id') === 'string' && typeof Reflect.get(v, 'name') === 'string';
const picked = (v: PickedPatient): PickedPatient => ({ id: v.id, name: v.name, ref: v.ref, phone: v.phone ?? null });

/**
 * Registers a patient through the patients API (`POST …/patients`, `registerPatient` behind it):
 * the server validates and names every field's problem; a record that looks like someone already
 * registered comes back as candidates until the desk resends with `allowDuplicate`.
 */
export async function registerPatient(
	clinicCode: string,
	record: Record<string, string>,
	options: { allowDuplicate: boolean; idempotencyKey: string }
): Promise<Registration> {
	const fields = Object.fromEntries(Object.entries(record).filter(([, value]) => value.trim() !== ''));
	let response: Response;
	try {
		response = await fetch(`/api/v1/clinics/${encodeURIComponent(clinicCode)}/patients`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', accept: 'application/json' },
			body: JSON.stringify({ ...fields, ...options })
		});
	} catch {
		return { ok: false, error: { code: 'offline', message: m.scheduling_offline() } };
	}
	const body: unknown = await response.json().catch(() => null);
	if (response.ok && isPicked(body)) return { ok: true, patient: picked(body) };
	const candidates: unknown = body && typeof body === 'object' ? Reflect.get(body, 'candidates') : null;
	if (response.status === 409 && Array.isArray(candidates)) return { ok: false, duplicates: candidates.filter(isPicked).map(picked) };
	const error: unknown = body && typeof body === 'object' ? Reflect.get(body, 'error') : null;
	if (isActionError(error)) return { ok: false, error };
	return { ok: false, error: { code: 'internal', message: m.error_internal() } };
}
