import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { appUser, clinic, doctorDayRoom, doctorProfile, membership, patient, queueToken, room, type QueueToken } from '../db/schema';
import { appointment } from '../db/schema/scheduling';
import type { Db, Tx } from '../db';
import { doctorShifts } from '../scheduling/queries';
import { consultationMs, freeAt } from './estimate';
import { LATE_GRACE_MINUTES, type LineToken } from './order';
import { predictQueue, type DoctorLine, type PredictedToken } from './prediction';
import { forbidden } from '../errors';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';

type Reader = Db | Tx;

export type DayToken = QueueToken & {
	patientName: string;
	patientRefNo: number;
	appointmentStart: Date | null;
	/** The name of the room the token was called to. */
	roomName: string | null;
};

export type DoctorRoom = { id: string; name: string };

/** `room`: where the doctor sees patients today (their room for the day, else their usual one). */
export type DayDoctor = { id: string; name: string; consultationMs: number; freeAt: Date; withDoctor: DayToken | null; room: DoctorRoom | null };

export type QueueDay = {
	day: string;
	now: Date;
	tokens: DayToken[];
	doctors: DayDoctor[];
	/** The waiting tokens in expected call order, as the order rule predicts them (prediction.ts). */
	prediction: PredictedToken[];
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
		movedAt: t.movedAt
	};
}

/** The human token label: `014`, or `D2-014` when the clinic numbers per doctor. */
export function tokenLabel(t: Pick<QueueToken, 'prefix' | 'number'>): string {
	const n = String(t.number).padStart(3, '0');
	return t.prefix ? `${t.prefix}-${n}` : n;
}

export async function dayTokens(db: Reader, clinicId: string, day: string): Promise<DayToken[]> {
	const rows = await db
		.select({ token: queueToken, patientName: patient.name, patientRefNo: patient.refNo, appointmentStart: appointment.startsAt, roomName: room.name })
		.from(queueToken)
		.innerJoin(patient, eq(patient.id, queueToken.patientId))
		.leftJoin(appointment, eq(appointment.id, queueToken.appointmentId))
		.leftJoin(room, eq(room.id, queueToken.roomId))
		.where(and(eq(queueToken.clinicId, clinicId), eq(queueToken.day, day)))
		.orderBy(asc(queueToken.checkedInAt), asc(queueToken.number));
	return rows.map((r) => ({
		...r.token,
		patientName: r.patientName,
		patientRefNo: r.patientRefNo,
		appointmentStart: r.appointmentStart,
		roomName: r.roomName
	}));
}

const usualRoom = alias(room, 'usual_room');
const dayRoom = alias(room, 'day_room');

type QueueDoctorRow = { id: string; name: string; status: string; room: DoctorRoom | null };

/**
 * The clinic's doctors, oldest membership first (that order also numbers their token prefixes),
 * each with their room on `day` (when given): the one chosen for that day, else their usual room, never an
 * archived one. One query, since every projection rebuild reads it.
 */
export async function queueDoctors(db: Reader, clinicId: string, day: string | null = null, only?: string[]): Promise<QueueDoctorRow[]> {
	const rows = await db
		.select({
			id: appUser.id,
			name: appUser.name,
			status: membership.status,
			usualId: usualRoom.id,
			usualName: usualRoom.name,
			dayId: dayRoom.id,
			dayName: dayRoom.name
		})
		.from(membership)
		.innerJoin(appUser, eq(appUser.id, membership.userId))
		.leftJoin(doctorProfile, and(eq(doctorProfile.clinicId, membership.clinicId), eq(doctorProfile.userId, membership.userId)))
		.leftJoin(usualRoom, and(eq(usualRoom.id, doctorProfile.defaultRoomId), isNull(usualRoom.archivedAt)))
		.leftJoin(
			doctorDayRoom,
			and(
				eq(doctorDayRoom.clinicId, membership.clinicId),
				eq(doctorDayRoom.doctorId, membership.userId),
				day === null ? sql`false` : eq(doctorDayRoom.day, day)
			)
		)
		.leftJoin(dayRoom, and(eq(dayRoom.id, doctorDayRoom.roomId), isNull(dayRoom.archivedAt)))
		.where(and(eq(membership.clinicId, clinicId), eq(membership.role, 'doctor'), only ? inArray(membership.userId, only) : undefined))
		.orderBy(asc(membership.createdAt), asc(appUser.id));
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		status: r.status,
		room: r.dayId && r.dayName ? { id: r.dayId, name: r.dayName } : r.usualId && r.usualName ? { id: r.usualId, name: r.usualName } : null
	}));
}

/** Each doctor's room on a day (see queueDoctors). */
export async function doctorRoomsOn(db: Reader, clinicId: string, day: string, doctorIds: string[]): Promise<Map<string, DoctorRoom>> {
	if (doctorIds.length === 0) return new Map();
	const rows = await queueDoctors(db, clinicId, day, doctorIds);
	return new Map(rows.flatMap((r) => (r.room ? [[r.id, r.room] as const] : [])));
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
	const [tokens, doctorRows] = await Promise.all([dayTokens(db, clinicId, day), queueDoctors(db, clinicId, day)]);
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
		doctors.push({
			id: d.id,
			name: d.name,
			consultationMs: consultation,
			freeAt: freeAt(now, withDoctor?.calledAt ?? null, consultation),
			withDoctor,
			room: d.room
		});
	}
	const waiting = tokens.filter((t) => t.status === 'waiting' && t.id !== leaveOut).map(lineToken);
	const lines: DoctorLine[] = doctors.map((d) => ({ id: d.id, freeAt: d.freeAt, consultationMs: d.consultationMs }));
	return { day, now, tokens, doctors, prediction: predictQueue(waiting, lines, now) };
}

/** Today's tokens of some patient records (a patient's live document). */
export async function patientTokens(db: Reader, patientIds: string[], day: string) {
	if (patientIds.length === 0) return [];
	return db
		.select()
		.from(queueToken)
		.where(and(inArray(queueToken.patientId, patientIds), eq(queueToken.day, day)));
}

/** The clinic records linked to a patient's own account (one per clinic, merged-away ones left out), with their clinics. */
export async function linkedPatientRecords(db: Reader, userId: string) {
	return db
		.select({ patientId: patient.id, clinic })
		.from(patient)
		.innerJoin(clinic, eq(clinic.id, patient.clinicId))
		.where(and(eq(patient.userId, userId), isNull(patient.mergedIntoId)))
		.orderBy(asc(clinic.name));
}

/** One of a record's past or present tokens as the staff patient page lists it. */
export type PatientTokenRow = {
	id: string;
	token: string;
	day: string;
	status: QueueToken['status'];
	doctorName: string | null;
	appointmentId: string | null;
	/** From check-in to being called, when they were called. */
	waitedMinutes: number | null;
};

/** A record's tokens, newest day first, for someone who may see the queue (asked through the queue's policy). */
export async function patientQueueHistory(db: Reader, ctx: ClinicContext, patientId: string, limit = 100): Promise<PatientTokenRow[]> {
	if (!can(ctx.actor, 'queue.view')) throw forbidden();
	const seenBy = alias(appUser, 'seen_by');
	const rows = await db
		.select({ token: queueToken, chosen: appUser.name, caller: seenBy.name })
		.from(queueToken)
		.leftJoin(appUser, eq(appUser.id, queueToken.doctorId))
		.leftJoin(seenBy, eq(seenBy.id, queueToken.calledBy))
		.where(and(eq(queueToken.clinicId, ctx.clinicId), eq(queueToken.patientId, patientId)))
		.orderBy(desc(queueToken.day), desc(queueToken.checkedInAt))
		.limit(limit);
	return rows.map(({ token: t, chosen, caller }) => ({
		id: t.id,
		token: tokenLabel(t),
		day: t.day,
		status: t.status,
		doctorName: caller ?? chosen,
		appointmentId: t.appointmentId,
		waitedMinutes: t.calledAt ? Math.max(0, Math.round((t.calledAt.getTime() - t.checkedInAt.getTime()) / 60_000)) : null
	}));
}
