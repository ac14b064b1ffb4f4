/**
 * The browser's reading of the `clinic/{id}/waitlist` projection (built by `projectClinicWaitlist`).
 * The document is plain JSON from the server, so every field is checked before the page trusts it.
 */
export type WaitlistRow = {
	id: string;
	patientId: string;
	patientName: string;
	doctorId: string;
	status: 'waiting' | 'offered';
	offeredStart: string | null;
	/** When the appointment an accepted offer would move now starts, if the patient holds one. */
	currentStart: string | null;
	note: string;
	createdAt: string;
};

const str = (o: object, key: string): string | null => {
	const v: unknown = Reflect.get(o, key);
	return typeof v === 'string' ? v : null;
};

function toRow(v: unknown): WaitlistRow | null {
	if (typeof v !== 'object' || v === null) return null;
	const status = str(v, 'status');
	const [id, patientId, patientName, doctorId, createdAt] = ['id', 'patientId', 'patientName', 'doctorId', 'createdAt'].map((k) => str(v, k));
	if ((status !== 'waiting' && status !== 'offered') || !id || !patientId || patientName === null || !doctorId || !createdAt) return null;
	return { id, patientId, patientName, doctorId, status, offeredStart: str(v, 'offeredStart'), currentStart: str(v, 'currentStart'), note: str(v, 'note') ?? '', createdAt };
}

export function readWaitlist(content: Record<string, unknown>): WaitlistRow[] {
	const list: unknown = content.entries;
	return Array.isArray(list) ? list.map(toRow).filter((r): r is WaitlistRow => r !== null) : [];
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
