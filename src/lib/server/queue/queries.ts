import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { appUser, clinic, membership, patient, queueToken, type QueueToken } from '../db/schema';
import { appointment } from '../db/schema/scheduling';
import type { Db, Tx } from '../db';
import { doctorShifts } from '../scheduling/queries';
import { consultationMs, freeAt } from './estimate';
import { LATE_GRACE_MINUTES, planQueue, type DoctorLine, type LineToken, type PlannedToken } from './order';

type Reader = Db | Tx;

export type DayToken = QueueToken & {
	patientName: string;
	patientRefNo: number;
	appointmentStart: Date | null;
};

export type DayDoctor = { id: string; name: string; consultationMs: number; freeAt: Date; withDoctor: DayToken | null };

export type QueueDay = {
	day: string;
	now: Date;
	tokens: DayToken[];
	doctors: DayDoctor[];
	/** The waiting tokens in expected call order, with expected call times. */
	plan: PlannedToken[];
};

/** A token as the order rule sees it. */
export function lineToken(t: DayToken): LineToken {
	return {
		id: t.id,
		number: t.number,
		doctorId: t.doctorId,
		checkedInAt: t.checkedInAt,
		appointmentStart: t.appointmentStart,
		late: t.arrival === 'late' && (t.arrivalMinutes ?? 0) > LATE_GRACE_MINUTES,
		urgentAt: t.urgent ? t.urgentAt : null,
		returnedAt: t.returnedAt,
		movedBeforeId: t.movedBeforeId,
		movedAt: t.manualDueAt
	};
}

/** The human token label: `014`, or `D2-014` when the clinic numbers per doctor. */
export function tokenLabel(t: Pick<QueueToken, 'prefix' | 'number'>): string {
	const n = String(t.number).padStart(3, '0');
	return t.prefix ? `${t.prefix}-${n}` : n;
}

export async function dayTokens(db: Reader, clinicId: string, day: string): Promise<DayToken[]> {
	const rows = await db
		.select({ token: queueToken, patientName: patient.name, patientRefNo: patient.refNo, appointmentStart: appointment.startsAt })
		.from(queueToken)
		.innerJoin(patient, eq(patient.id, queueToken.patientId))
		.leftJoin(appointment, eq(appointment.id, queueToken.appointmentId))
		.where(and(eq(queueToken.clinicId, clinicId), eq(queueToken.day, day)))
		.orderBy(asc(queueToken.checkedInAt), asc(queueToken.number));
	return rows.map((r) => ({ ...r.token, patientName: r.patientName, patientRefNo: r.patientRefNo, appointmentStart: r.appointmentStart }));
}

/** Active doctors of the clinic, oldest membership first (that order also numbers their token prefixes). */
export async function queueDoctors(db: Reader, clinicId: string): Promise<{ id: string; name: string; status: string }[]> {
	return db
		.select({ id: appUser.id, name: appUser.name, status: membership.status })
		.from(membership)
		.innerJoin(appUser, eq(appUser.id, membership.userId))
		.where(and(eq(membership.clinicId, clinicId), eq(membership.role, 'doctor')))
		.orderBy(asc(membership.createdAt), asc(appUser.id));
}

/** `D2`: the doctor's place among the clinic's doctors, stable while memberships are kept. */
export async function doctorPrefix(db: Reader, clinicId: string, doctorId: string): Promise<string> {
	const doctors = await queueDoctors(db, clinicId);
	const index = doctors.findIndex((d) => d.id === doctorId);
	return `D${index + 1}`;
}

/**
 * Everything the queue screens, the display, the patients' live documents and the call-next
 * rule need about one clinic-day, read in one go.
 */
export async function loadQueueDay(db: Reader, clinicId: string, day: string, now = new Date(), leaveOut: string | null = null): Promise<QueueDay> {
	const [tokens, doctorRows] = await Promise.all([dayTokens(db, clinicId, day), queueDoctors(db, clinicId)]);
	const doctors: DayDoctor[] = [];
	for (const d of doctorRows) {
		const mine = tokens.filter((t) => t.calledBy === d.id || (t.calledBy === null && t.doctorId === d.id));
		if (d.status !== 'active' && mine.length === 0) continue;
		const done = mine
			.filter((t) => t.status === 'completed' && t.calledAt && t.completedAt)
			.sort((a, b) => a.completedAt!.getTime() - b.completedAt!.getTime())
			.map((t) => t.completedAt!.getTime() - t.calledAt!.getTime());
		const shifts = done.length > 0 ? [] : await doctorShifts(db, clinicId, d.id, day);
		const consultation = consultationMs(done, shifts[0]?.slotMinutes ?? null);
		const withDoctor = mine.find((t) => t.status === 'with_doctor') ?? null;
		doctors.push({ id: d.id, name: d.name, consultationMs: consultation, freeAt: freeAt(now, withDoctor?.calledAt ?? null, consultation), withDoctor });
	}
	const waiting = tokens.filter((t) => t.status === 'waiting' && t.id !== leaveOut).map(lineToken);
	const lines: DoctorLine[] = doctors.map((d) => ({ id: d.id, freeAt: d.freeAt, consultationMs: d.consultationMs }));
	return { day, now, tokens, doctors, plan: planQueue(waiting, lines, now) };
}

/** Today's tokens of some patient records (a patient's live document). */
export async function patientTokens(db: Reader, patientIds: string[], day: string) {
	if (patientIds.length === 0) return [];
	return db.select().from(queueToken).where(and(inArray(queueToken.patientId, patientIds), eq(queueToken.day, day)));
}

/** The clinic records linked to a patient's own account (one per clinic), for their live queue cards. */
export async function linkedPatientRecords(db: Reader, userId: string): Promise<{ patientId: string; clinicName: string }[]> {
	return db
		.select({ patientId: patient.id, clinicName: clinic.name })
		.from(patient)
		.innerJoin(clinic, eq(clinic.id, patient.clinicId))
		.where(and(eq(patient.userId, userId), isNull(patient.mergedIntoId)))
		.orderBy(asc(clinic.name));
}
