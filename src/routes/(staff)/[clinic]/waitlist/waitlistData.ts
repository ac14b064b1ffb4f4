import { waitlistContract, type WaitlistEntry } from '$lib/sync/contracts/waitlist';
import { readContent, type ContentReading } from '$lib/sync/contracts/reading';

/**
 * The browser's reading of the `clinic/{id}/waitlist` projection (built by `projectClinicWaitlist`),
 * checked against its contract ($lib/sync/contracts/waitlist.ts): a shape this build does not know
 * is shown as "update the app", never guessed into a wrong list.
 */
export type WaitlistRow = WaitlistEntry;

/** The open entries: `empty` before the first sync, `mismatch` when the server speaks a shape this build does not know. */
export function readWaitlist(content: Record<string, unknown>): ContentReading<WaitlistRow[]> {
	const reading = readContent(waitlistContract, content);
	return reading.state === 'ok' ? { state: 'ok', value: reading.value.entries } : reading;
}

export type UpcomingAppointment = { id: string; ref: string; doctorId: string; start: string };

const isUpcoming = (v: unknown): v is UpcomingAppointment =>
	typeof v === 'object' && v !== null && ['id', 'ref', 'doctorId', 'start'].every((k) => typeof Reflect.get(v, k) === 'string');

/** A patient's upcoming appointments here (empty when the server cannot answer). */
export async function fetchUpcoming(url: string, patientId: string): Promise<UpcomingAppointment[]> {
	try {
		const response = await fetch(`${url}?patient=${encodeURIComponent(patientId)}`);
		const body: unknown = response.ok ? await response.json() : null;
		const list: unknown = body && typeof body === 'object' ? Reflect.get(body, 'appointments') : null;
		return Array.isArray(list) ? list.filter(isUpcoming) : [];
	} catch {
		return [];
	}
}
