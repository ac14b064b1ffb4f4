import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { appointment } from '../db/schema/scheduling';
import { patient } from '../db/schema/patients';
import { appUser, type Clinic } from '../db/schema';
import type { Tx } from '../db';
import { AppError } from '../errors';
import type { AffectedAppointment } from '../edge/types';
import { appendAudit } from '../audit/audit';
import { emit } from '../notifications/outbox';
import { formatRef } from '../tenancy/counters';
import type { ClinicContext } from '../tenancy/context';
import { dayBounds } from '../../time';
import { MOVABLE_STATUSES } from './queries';
import { patientAppointmentsChanged } from './patientProject';
import type { ClosedDayChoice } from './schema';

/** Why the clinic cancelled: the clinic is closed that day, the doctor is on leave, or the doctor's hours that day no longer hold the appointment. */
export type ClosingCause = 'clinic_closed' | 'doctor_leave' | 'doctor_hours';

/**
 * The statuses a closing change lists: requested and confirmed, and checked in (the patient is in
 * the building). A checked-in appointment is never cancelled by a closing change, even when told
 * to cancel: it stays, with its place in the line, for the doctor or the desk to see to in person.
 */
const LISTED_STATUSES = [...MOVABLE_STATUSES, 'checked_in'] as const;

/** What happened to the appointments of the days a command closed. */
export type ClosedDayOutcome = { cancelledAppointments: string[]; keptAppointments: string[] };

/**
 * The live appointments (requested, confirmed or checked in) on some clinic-days, of one doctor
 * or of everyone, soonest first and locked: a desk cancelling or moving
 * one meanwhile finishes first, and the row is read again as it left it. Call it after
 * `lockDaysForClosing` for the same days, so no booking of those days is still in flight.
 */
export async function liveAppointmentsOn(tx: Tx, home: Clinic, days: string[], doctorId?: string): Promise<AffectedAppointment[]> {
	if (days.length === 0) return [];
	const sorted = [...days].sort();
	// The range lets the clinic-and-start index find the rows; the local date picks the days themselves.
	const from = dayBounds(sorted[0], home.timezone).from;
	const to = dayBounds(sorted[sorted.length - 1], home.timezone).to;
	const localDay = sql<string>`((${appointment.startsAt} AT TIME ZONE ${home.timezone})::date)::text`;
	const rows = await tx
		.select({
			id: appointment.id,
			day: localDay,
			refNo: appointment.refNo,
			startsAt: appointment.startsAt,
			endsAt: appointment.endsAt,
			status: appointment.status,
			doctorId: appointment.doctorId,
			doctorName: appUser.name,
			patientId: appointment.patientId,
			patientName: patient.name,
			patientRefNo: patient.refNo
		})
		.from(appointment)
		.innerJoin(patient, eq(patient.id, appointment.patientId))
		.innerJoin(appUser, eq(appUser.id, appointment.doctorId))
		.where(
			and(
				eq(appointment.clinicId, home.id),
				doctorId ? eq(appointment.doctorId, doctorId) : undefined,
				inArray(appointment.status, [...LISTED_STATUSES]),
				gte(appointment.startsAt, from),
				lt(appointment.startsAt, to),
				inArray(localDay, sorted)
			)
		)
		.orderBy(asc(appointment.startsAt), asc(appUser.name))
		.for('update', { of: appointment });
	return rows.map((r) => ({
		id: r.id,
		ref: formatRef(home.code, 'A', r.refNo),
		day: r.day,
		start: r.startsAt.toISOString(),
		end: r.endsAt.toISOString(),
		status: r.status,
		doctorId: r.doctorId,
		doctorName: r.doctorName,
		patientId: r.patientId,
		patientName: r.patientName,
		patientRef: formatRef(home.code, 'P', r.patientRefNo)
	}));
}

/**
 * Does what the person closing the days chose with the appointments on them, inside their
 * command. No choice while there are some: refused with 409 `day_has_appointments`, listing them
 * (`error.appointments`), and nothing is saved. `keep`: they stay, for the desk to move on the
 * calendar. `cancel_and_notify`: each is cancelled by the clinic, with its audit row and an
 * `appointment.cancel` event carrying the cause, which tells the patient why; a checked-in one is
 * kept all the same (the patient is already here) and reported among the kept.
 *
 * The freed times are not offered to the waitlist, unlike a single cancellation's: they lie on a
 * day nobody works, so an offer could never be taken up (accepting it would be refused as outside
 * the schedule).
 */
export async function settleClosedDayAppointments(
	tx: Tx,
	ctx: ClinicContext,
	affected: AffectedAppointment[],
	choice: ClosedDayChoice | undefined,
	closing: { cause: ClosingCause | ((day: string) => ClosingCause); reasons: Record<string, string> }
): Promise<ClosedDayOutcome> {
	const ids = affected.map((a) => a.id);
	const causeOn = (day: string) => (typeof closing.cause === 'function' ? closing.cause(day) : closing.cause);
	if (affected.length === 0) return { cancelledAppointments: [], keptAppointments: [] };
	if (!choice) {
		throw new AppError(
			'day_has_appointments',
			409,
			`${affected.length} live appointments fall on the days being closed; say what to do with them (appointments: cancel_and_notify or keep)`,
			undefined,
			{ count: affected.length },
			[],
			{ appointments: affected }
		);
	}
	if (choice === 'keep') return { cancelledAppointments: [], keptAppointments: ids };
	const cancelled = affected.filter((a) => a.status !== 'checked_in');
	const stayed = affected.filter((a) => a.status === 'checked_in').map((a) => a.id);
	await patientAppointmentsChanged(
		tx,
		cancelled.map((a) => a.patientId)
	);
	for (const a of cancelled) {
		// The words given for that day (a holiday's name, the leave's note): kept in the audit log and the event, never shown to the patient.
		const reason = closing.reasons[a.day] ?? '';
		const cause = causeOn(a.day);
		await tx
			.update(appointment)
			.set({ status: 'cancelled', cancelReason: cause, updatedAt: new Date() })
			.where(and(eq(appointment.clinicId, ctx.clinicId), eq(appointment.id, a.id)));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'appointment.cancel',
			entityType: 'appointment',
			entityId: a.id,
			data: { reason, cause }
		});
		await emit(tx, ctx.clinicId, {
			type: 'appointment.cancel',
			payload: { appointmentId: a.id, patientId: a.patientId, doctorId: a.doctorId, reason, cause }
		});
	}
	return { cancelledAppointments: cancelled.map((a) => a.id), keptAppointments: stayed };
}
