import { and, asc, desc, eq, gt, gte, inArray, lt } from 'drizzle-orm';
import {
	appointment,
	appointmentType,
	availabilityException,
	availabilityTemplate,
	clinicClosure,
	ACTIVE_APPOINTMENT_STATUSES,
	type AppointmentStatus
} from '../db/schema/scheduling';
import { patient } from '../db/schema/patients';
import { appUser } from '../db/schema';
import type { Db, Tx } from '../db';
import { forbidden } from '../errors';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { daySlots, overlaps, shiftsForDay, type Shift, type Slot } from './slots';
import { isoWeekday } from '../../time';

type Reader = Db | Tx;
const time = (t: string) => t.slice(0, 5);

/** The working shifts of a doctor on one clinic-local date, after leave, one-off hours and closures. */
export async function doctorShifts(db: Reader, clinicId: string, doctorId: string, day: string): Promise<Shift[]> {
	const [weekly, exceptions, closures] = await Promise.all([
		db
			.select()
			.from(availabilityTemplate)
			.where(and(eq(availabilityTemplate.clinicId, clinicId), eq(availabilityTemplate.doctorId, doctorId), eq(availabilityTemplate.weekday, isoWeekday(day)))),
		db
			.select()
			.from(availabilityException)
			.where(and(eq(availabilityException.clinicId, clinicId), eq(availabilityException.doctorId, doctorId), eq(availabilityException.day, day))),
		db
			.select({ id: clinicClosure.id })
			.from(clinicClosure)
			.where(and(eq(clinicClosure.clinicId, clinicId), eq(clinicClosure.day, day)))
	]);
	const exception = exceptions[0];
	return shiftsForDay({
		weekly: weekly.map((w) => ({ start: time(w.startTime), end: time(w.endTime), slotMinutes: w.slotMinutes, breaks: w.breaks })),
		exception: exception
			? {
					off: exception.off,
					start: exception.startTime && time(exception.startTime),
					end: exception.endTime && time(exception.endTime),
					slotMinutes: exception.slotMinutes
				}
			: null,
		closed: closures.length > 0
	});
}

/** Which of these clinic-local dates the clinic is closed on (holidays, blackouts). */
export async function closedDays(db: Reader, clinicId: string, days: string[]): Promise<Set<string>> {
	if (days.length === 0) return new Set();
	const rows = await db
		.select({ day: clinicClosure.day })
		.from(clinicClosure)
		.where(and(eq(clinicClosure.clinicId, clinicId), inArray(clinicClosure.day, days)));
	return new Set(rows.map((r) => r.day));
}

/** Active appointments of a doctor (in any clinic: one person cannot be in two rooms) in a time window. */
export async function doctorBusy(db: Reader, doctorId: string, from: Date, to: Date): Promise<{ start: Date; end: Date }[]> {
	const rows = await db
		.select({ start: appointment.startsAt, end: appointment.endsAt })
		.from(appointment)
		.where(
			and(
				eq(appointment.doctorId, doctorId),
				inArray(appointment.status, [...ACTIVE_APPOINTMENT_STATUSES]),
				lt(appointment.startsAt, to),
				gt(appointment.endsAt, from)
			)
		);
	return rows;
}

/**
 * Free slots of a doctor on a date: the schedule's slots minus bookings and minus the past; of
 * `length` minutes (an appointment type's) when given, else the doctor's slot length.
 */
export async function freeSlots(
	db: Reader,
	clinicId: string,
	timeZone: string,
	doctorId: string,
	day: string,
	now = new Date(),
	length?: number
): Promise<Slot[]> {
	const all = daySlots(day, timeZone, await doctorShifts(db, clinicId, doctorId, day), length);
	if (all.length === 0) return [];
	const busy = await doctorBusy(db, doctorId, all[0].start, all[all.length - 1].end);
	return all.filter((slot) => slot.start > now && !busy.some((b) => overlaps(slot, b)));
}

export type CalendarEntry = {
	id: string;
	refNo: number;
	patientId: string;
	patientName: string;
	patientRefNo: number;
	doctorId: string;
	doctorName: string;
	startsAt: Date;
	endsAt: Date;
	status: AppointmentStatus;
	reason: string;
	/** The appointment's type, when booking picked one (archived ones included: the appointment keeps it). */
	type: { id: string; name: string; color: string } | null;
};

/** Every appointment of a clinic in a window, with names, for calendars and lists. */
/** The clinic's appointments between two instants, for someone who may see the calendar. */
export async function clinicAppointments(db: Reader, ctx: ClinicContext, from: Date, to: Date): Promise<CalendarEntry[]> {
	if (!can(ctx.actor, 'calendar.view')) throw forbidden();
	return appointmentRows(db, ctx.clinicId, from, to);
}

/** The same rows for a caller that has decided access itself (the calendar projection's door does). */
export async function appointmentRows(db: Reader, clinicId: string, from: Date, to: Date): Promise<CalendarEntry[]> {
	const rows = await db
		.select({
			id: appointment.id,
			refNo: appointment.refNo,
			patientId: appointment.patientId,
			patientName: patient.name,
			patientRefNo: patient.refNo,
			doctorId: appointment.doctorId,
			doctorName: appUser.name,
			startsAt: appointment.startsAt,
			endsAt: appointment.endsAt,
			status: appointment.status,
			reason: appointment.reason,
			typeId: appointmentType.id,
			typeName: appointmentType.name,
			typeColor: appointmentType.color
		})
		.from(appointment)
		.innerJoin(patient, eq(patient.id, appointment.patientId))
		.innerJoin(appUser, eq(appUser.id, appointment.doctorId))
		.leftJoin(appointmentType, eq(appointmentType.id, appointment.typeId))
		.where(and(eq(appointment.clinicId, clinicId), gte(appointment.startsAt, from), lt(appointment.startsAt, to)))
		.orderBy(asc(appointment.startsAt));
	return rows.map(({ typeId, typeName, typeColor, ...row }) => ({
		...row,
		type: typeId !== null && typeName !== null && typeColor !== null ? { id: typeId, name: typeName, color: typeColor } : null
	}));
}

/** A doctor's weekly template and their one-off changes from a date on, in the shape `setAvailability` takes. */
export async function doctorAvailability(db: Reader, clinicId: string, doctorId: string, fromDay: string) {
	const [weekly, exceptions] = await Promise.all([
		db
			.select()
			.from(availabilityTemplate)
			.where(and(eq(availabilityTemplate.clinicId, clinicId), eq(availabilityTemplate.doctorId, doctorId)))
			.orderBy(asc(availabilityTemplate.weekday), asc(availabilityTemplate.startTime)),
		db
			.select()
			.from(availabilityException)
			.where(and(eq(availabilityException.clinicId, clinicId), eq(availabilityException.doctorId, doctorId), gte(availabilityException.day, fromDay)))
			.orderBy(asc(availabilityException.day))
	]);
	return {
		weekly: weekly.map((w) => ({ weekday: w.weekday, start: time(w.startTime), end: time(w.endTime), slotMinutes: w.slotMinutes, breaks: w.breaks })),
		exceptions: exceptions.map((e) => ({
			date: e.day,
			off: e.off,
			start: e.startTime ? time(e.startTime) : undefined,
			end: e.endTime ? time(e.endTime) : undefined,
			slotMinutes: e.slotMinutes ?? undefined,
			reason: e.reason
		}))
	};
}

/** Clinic holidays and blackout dates from a date on. */
export async function clinicClosures(db: Reader, clinicId: string, fromDay: string) {
	return db
		.select({ id: clinicClosure.id, date: clinicClosure.day, reason: clinicClosure.reason })
		.from(clinicClosure)
		.where(and(eq(clinicClosure.clinicId, clinicId), gte(clinicClosure.day, fromDay)))
		.orderBy(asc(clinicClosure.day));
}

/** Statuses the reschedule command accepts (checked-in patients are already here). */
export const MOVABLE_STATUSES = ['requested', 'confirmed'] as const;
export const isMovableStatus = (status: string) => MOVABLE_STATUSES.some((s) => s === status);

/** What a patient holds that a waitlist offer could move earlier: their open, future appointments here. */
export async function patientUpcomingAppointments(db: Reader, clinicId: string, patientId: string, now = new Date()) {
	return db
		.select({ id: appointment.id, refNo: appointment.refNo, doctorId: appointment.doctorId, startsAt: appointment.startsAt })
		.from(appointment)
		.where(
			and(
				eq(appointment.clinicId, clinicId),
				eq(appointment.patientId, patientId),
				inArray(appointment.status, [...MOVABLE_STATUSES]),
				gt(appointment.startsAt, now)
			)
		)
		.orderBy(asc(appointment.startsAt))
		.limit(20);
}

/** One appointment of a patient's record as the staff patient page lists it. */
export type PatientAppointmentRow = {
	id: string;
	refNo: number;
	startsAt: Date;
	endsAt: Date;
	status: AppointmentStatus;
	doctorId: string;
	doctorName: string;
	type: string | null;
	reason: string;
	cancelReason: string | null;
};

/**
 * A record's appointments, past and upcoming, newest first, for someone who may see the calendar
 * (the patient page asks through the access decision, like the calendar does).
 */
export async function patientAppointmentHistory(db: Reader, ctx: ClinicContext, patientId: string, limit = 100): Promise<PatientAppointmentRow[]> {
	if (!can(ctx.actor, 'calendar.view')) throw forbidden();
	return db
		.select({
			id: appointment.id,
			refNo: appointment.refNo,
			startsAt: appointment.startsAt,
			endsAt: appointment.endsAt,
			status: appointment.status,
			doctorId: appointment.doctorId,
			doctorName: appUser.name,
			type: appointmentType.name,
			reason: appointment.reason,
			cancelReason: appointment.cancelReason
		})
		.from(appointment)
		.innerJoin(appUser, eq(appUser.id, appointment.doctorId))
		.leftJoin(appointmentType, eq(appointmentType.id, appointment.typeId))
		.where(and(eq(appointment.clinicId, ctx.clinicId), eq(appointment.patientId, patientId)))
		.orderBy(desc(appointment.startsAt))
		.limit(limit);
}
