import { readContent, type ContentReading } from '$lib/sync/contracts/reading';
import {
	displayContract,
	patientLiveContract,
	queueContract,
	type DisplayContent,
	type PatientPrescription,
	type PatientQueue,
	type QueueContent,
	type QueueDoctorContent,
	type QueueToken
} from '$lib/sync/contracts/queue';

/**
 * Readers for the queue documents' content, checked against their contracts
 * ($lib/sync/contracts/queue.ts): live content arrives as plain JSON from a Yjs map, and a shape
 * this build does not know is shown as "update the app", never guessed into a wrong queue.
 */

export type { DisplayContent, DisplayDoctor, PatientQueue } from '$lib/sync/contracts/queue';
export type QueueStatus = QueueToken['status'];
export type QueueRow = QueueToken;
export type QueueDoctor = QueueDoctorContent;

/** What the reason dialog asks about: marking urgent, or moving to a place in a doctor's line. */
export type ReasonRequest =
	| { kind: 'urgent'; tokenId: string; token: string }
	| { kind: 'move'; tokenId: string; token: string; position: number; places: number; doctorId: string | null };

export const readQueue = (content: Record<string, unknown>): ContentReading<QueueContent> => readContent(queueContract, content);

export const readDisplay = (content: Record<string, unknown>): ContentReading<DisplayContent> => readContent(displayContract, content);

/** The patient's own token today: null when they have none, `mismatch` when the server speaks a newer shape. */
export function readPatientQueue(content: Record<string, unknown>): PatientQueue | null | 'mismatch' {
	const reading = readContent(patientLiveContract, content);
	if (reading.state === 'mismatch') return 'mismatch';
	return reading.state === 'ok' ? reading.value.queue : null;
}

/** The patient's recent prescriptions at the pharmacy (status only), newest first. */
export function readPatientMedicines(content: Record<string, unknown>): PatientPrescription[] {
	const reading = readContent(patientLiveContract, content);
	return reading.state === 'ok' ? (reading.value.prescriptions ?? []) : [];
}

/** Minutes since an instant, for "waiting 12 min". */
export function minutesSince(iso: string | null, now: number): number {
	if (!iso) return 0;
	return Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
}
