/**
 * Typed readers for the queue documents' content. Live content arrives as plain JSON from a
 * Yjs map; these guards keep the screens from trusting its shape.
 */

export type QueueStatus = 'waiting' | 'with_doctor' | 'completed' | 'skipped' | 'no_show' | 'cancelled';

export type QueueRow = {
	id: string;
	token: string;
	status: QueueStatus;
	patientId: string;
	patientName: string;
	patientRef: string;
	doctorId: string | null;
	chosenDoctorId: string | null;
	appointmentStart: string | null;
	arrival: 'on_time' | 'early' | 'late' | 'walk_in';
	arrivalMinutes: number | null;
	urgent: boolean;
	urgentReason: string | null;
	returned: boolean;
	moved: boolean;
	checkedInAt: string;
	calledAt: string | null;
	completedAt: string | null;
	/** The room the token was called to. */
	room: string | null;
	cancelReason: string | null;
	order: number | null;
	plannedDoctorId: string | null;
	ahead: number | null;
	waitMinutes: number | null;
};

export type QueueDoctor = { id: string; name: string; consultationMinutes: number; withDoctor: string | null; room: { id: string; name: string } | null };

export type DisplayDoctor = { slot: number; doctor: string; room: string | null; nowServing: string | null; calls: number; next: string[] };
export type DisplayContent = { clinic: { name: string; color: string | null; tagline: string | null } | null; doctors: DisplayDoctor[]; next: string[] };

export type PatientQueue = { token: string; status: QueueStatus; ahead: number | null; waitMinutes: number | null; doctor: string | null; room: string | null; calledAt: string | null };

/** What the reason dialog asks about: marking urgent, or moving to a place in a doctor's line. */
export type ReasonRequest =
	| { kind: 'urgent'; tokenId: string; token: string }
	| { kind: 'move'; tokenId: string; token: string; position: number; places: number; doctorId: string | null };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const statuses: readonly QueueStatus[] = ['waiting', 'with_doctor', 'completed', 'skipped', 'no_show', 'cancelled'];
const status = (v: unknown): QueueStatus => statuses.find((s) => s === v) ?? 'waiting';
const arrivals = ['on_time', 'early', 'late', 'walk_in'] as const;
const arrival = (v: unknown): QueueRow['arrival'] => arrivals.find((a) => a === v) ?? 'walk_in';

export function queueRows(content: Record<string, unknown>): QueueRow[] {
	if (!Array.isArray(content.tokens)) return [];
	return content.tokens.filter((t) => isObject(t) && typeof t.id === 'string' && statuses.some((s) => s === t.status)).map((t: Record<string, unknown>) => ({
		id: str(t.id),
		token: str(t.token),
		status: status(t.status),
		patientId: str(t.patientId),
		patientName: str(t.patientName),
		patientRef: str(t.patientRef),
		doctorId: strOrNull(t.doctorId),
		chosenDoctorId: strOrNull(t.chosenDoctorId),
		appointmentStart: strOrNull(t.appointmentStart),
		arrival: arrival(t.arrival),
		arrivalMinutes: numOrNull(t.arrivalMinutes),
		urgent: t.urgent === true,
		urgentReason: strOrNull(t.urgentReason),
		returned: t.returned === true,
		moved: t.moved === true,
		checkedInAt: str(t.checkedInAt),
		calledAt: strOrNull(t.calledAt),
		completedAt: strOrNull(t.completedAt),
		room: strOrNull(t.room),
		cancelReason: strOrNull(t.cancelReason),
		order: numOrNull(t.order),
		plannedDoctorId: strOrNull(t.plannedDoctorId),
		ahead: numOrNull(t.ahead),
		waitMinutes: numOrNull(t.waitMinutes)
	}));
}

export function queueDoctors(content: Record<string, unknown>): QueueDoctor[] {
	if (!Array.isArray(content.doctors)) return [];
	return content.doctors
		.filter(isObject)
		.map((d) => ({
			id: str(d.id),
			name: str(d.name),
			consultationMinutes: numOrNull(d.consultationMinutes) ?? 15,
			withDoctor: strOrNull(d.withDoctor),
			room: isObject(d.room) && typeof d.room.id === 'string' ? { id: d.room.id, name: str(d.room.name) } : null
		}))
		.filter((d) => d.id);
}

export function displayContent(content: Record<string, unknown>): DisplayContent {
	const clinic = isObject(content.clinic) ? { name: str(content.clinic.name), color: strOrNull(content.clinic.color), tagline: strOrNull(content.clinic.tagline) } : null;
	const doctors = Array.isArray(content.doctors)
		? content.doctors.filter(isObject).map((d) => ({
				slot: numOrNull(d.slot) ?? 0,
				doctor: str(d.doctor),
				room: strOrNull(d.room),
				nowServing: strOrNull(d.nowServing),
				calls: numOrNull(d.calls) ?? 0,
				next: Array.isArray(d.next) ? d.next.map(str) : []
			}))
		: [];
	const next = Array.isArray(content.next) ? content.next.map(str) : [];
	return { clinic, doctors, next };
}

export function patientQueue(content: Record<string, unknown>): PatientQueue | null {
	const q = content.queue;
	if (!isObject(q) || typeof q.token !== 'string') return null;
	return { token: q.token, status: status(q.status), ahead: numOrNull(q.ahead), waitMinutes: numOrNull(q.waitMinutes), doctor: strOrNull(q.doctor), room: strOrNull(q.room), calledAt: strOrNull(q.calledAt) };
}

/** Minutes since an instant, for "waiting 12 min". */
export function minutesSince(iso: string | null, now: number): number {
	if (!iso) return 0;
	return Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
}
