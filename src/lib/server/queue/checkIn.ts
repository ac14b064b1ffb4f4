import { and, eq, inArray } from 'drizzle-orm';
import { patient, queueToken } from '../db/schema';
import { emit } from '../notifications/outbox';
import { appointment } from '../db/schema/scheduling';
import type { Db, Tx } from '../db';
import { requiredIdempotency, runCommand } from '../command';
import { AppError, badRequest, conflict, forbidden } from '../errors';
import { isUniqueViolation } from '../db/errors';
import { parseInput } from '../validation';
import { nextNumber } from '../tenancy/counters';
import type { ClinicContext } from '../tenancy/context';
import { isClinicDoctor } from '../tenancy/doctors';
import { clinicToday } from '../../time';
import { calendarChanged } from '../scheduling/project';
import { patientAppointmentsChanged } from '../scheduling/patientProject';
import { can } from './policy';
import { checkInInput, type CheckInInput } from './schema';
import { arrivalTiming } from './estimate';
import { LATE_GRACE_MINUTES } from './order';
import { doctorPrefix } from './queries';
import { audit, loadClinic, lockQueue, presentToken, queueChanged, queueNearNotices, type TokenView } from './common';

const patientMerged = (field: 'patientId' | 'appointmentId') =>
	new AppError('patient_merged', 409, 'This record was merged into another one: check in the record it was merged into', field);

/**
 * The arriving patient's row, locked before anything else (the merge locks both of its rows
 * first too, so the two never wait on each other in opposite orders), and refused once merged
 * away: a check-in that lost the race to a merge never leaves a live token on that record.
 */
async function lockArrivingPatient(tx: Tx, clinicId: string, who: Arrival): Promise<void> {
	const [row] = await tx
		.select({ mergedIntoId: patient.mergedIntoId })
		.from(patient)
		.where(and(eq(patient.clinicId, clinicId), eq(patient.id, who.patientId)))
		.for('share');
	if (!row) throw badRequest('No such patient in this clinic', 'patientId', 'field_invalid');
	if (row.mergedIntoId) throw patientMerged(who.appointmentId ? 'appointmentId' : 'patientId');
}

type Arrival = {
	patientId: string;
	doctorId: string | null;
	appointmentId: string | null;
	arrival: 'on_time' | 'early' | 'late' | 'walk_in';
	arrivalMinutes: number | null;
	reason: string;
};

/** Who is arriving, checked before the transaction: a real appointment of today, or a real patient and doctor. */
async function arrivalOf(db: Db, ctx: ClinicContext, data: CheckInInput, timeZone: string, now: Date): Promise<Arrival> {
	if (data.appointmentId) {
		const [appt] = await db
			.select()
			.from(appointment)
			.where(and(eq(appointment.clinicId, ctx.clinicId), eq(appointment.id, data.appointmentId)));
		if (!appt) throw badRequest('No such appointment in this clinic', 'appointmentId', 'field_invalid');
		if (clinicToday(timeZone, appt.startsAt) !== clinicToday(timeZone, now))
			throw new AppError('not_today', 400, 'The appointment is not today', 'appointmentId');
		const timing = arrivalTiming(appt.startsAt, now, LATE_GRACE_MINUTES);
		return {
			patientId: appt.patientId,
			doctorId: appt.doctorId,
			appointmentId: appt.id,
			arrival: timing.arrival,
			arrivalMinutes: timing.minutes,
			reason: data.reason || appt.reason
		};
	}
	const [who] = await db
		.select({ id: patient.id, mergedIntoId: patient.mergedIntoId })
		.from(patient)
		.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, data.patientId!)));
	if (!who) throw badRequest('No such patient in this clinic', 'patientId', 'field_invalid');
	if (who.mergedIntoId) throw patientMerged('patientId');
	if (data.doctorId && !(await isClinicDoctor(db, ctx.clinicId, data.doctorId))) throw badRequest('No such doctor in this clinic', 'doctorId', 'field_invalid');
	return { patientId: who.id, doctorId: data.doctorId ?? null, appointmentId: null, arrival: 'walk_in', arrivalMinutes: null, reason: data.reason };
}

/**
 * Checks a patient in and issues their token. The number comes from the clinic counter inside
 * this transaction (one row lock per counter), so concurrent desks get consecutive, distinct
 * numbers and a refused check-in uses none. The database refuses a second active token for the
 * same patient that day; a retried request with the same idempotency key returns the first token.
 */
export async function checkInPatient(db: Db, ctx: ClinicContext, input: unknown, now = new Date()): Promise<TokenView> {
	if (!can(ctx.actor, 'queue.checkIn')) throw forbidden();
	const data = parseInput(checkInInput, input);
	const idempotency = requiredIdempotency(`queue.check_in:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, data);
	const home = await loadClinic(db, ctx.clinicId);
	const day = clinicToday(home.timezone, now);
	const who = await arrivalOf(db, ctx, data, home.timezone, now);
	const perDoctor = home.perDoctorTokens && who.doctorId !== null;
	const prefix = perDoctor ? await doctorPrefix(db, ctx.clinicId, who.doctorId!) : '';
	let result: TokenView;
	try {
		result = await runCommand(db, idempotency, async (tx) => {
			// Lock order, shared with the merge: the patient row, then the day's line, then counters and tokens.
			await lockArrivingPatient(tx, ctx.clinicId, who);
			await lockQueue(tx, ctx.clinicId, day);
			const number = await nextNumber(tx, ctx.clinicId, perDoctor ? `T:${day}:${who.doctorId}` : `T:${day}`, 1);
			// Arrival order is token order: the time is read after the number, under the same lock.
			const checkedInAt = new Date(Math.max(now.getTime(), Date.now()));
			const [row] = await tx
				.insert(queueToken)
				.values({ clinicId: ctx.clinicId, day, number, prefix, ...who, checkedInAt, createdBy: ctx.actor.userId })
				.returning();
			if (who.appointmentId) {
				const moved = await tx
					.update(appointment)
					.set({ status: 'checked_in', updatedAt: now })
					.where(and(eq(appointment.id, who.appointmentId), inArray(appointment.status, ['requested', 'confirmed'])))
					.returning({ id: appointment.id });
				if (moved.length === 0) throw new AppError('invalid_transition', 409, 'That appointment cannot be checked in', 'appointmentId');
			}
			await audit(tx, ctx, 'queue.check_in', row, {
				patientId: row.patientId,
				doctorId: row.doctorId,
				appointmentId: row.appointmentId,
				arrival: row.arrival,
				arrivalMinutes: row.arrivalMinutes
			});
			await emit(tx, ctx.clinicId, { type: 'queue.checked_in', payload: { tokenId: row.id, patientId: row.patientId, token: presentToken(row).token } });
			await queueNearNotices(tx, ctx.clinicId, day, now);
			await queueChanged(tx, ctx.clinicId, day);
			if (who.appointmentId) {
				await calendarChanged(tx, ctx.clinicId, home.timezone, [now]);
				await patientAppointmentsChanged(tx, [row.patientId]);
			}
			return presentToken(row);
		});
	} catch (e) {
		if (isUniqueViolation(e, 'queue_token_patient_active_key'))
			throw conflict('The patient is already in today’s queue', 'already_in_queue', who.appointmentId ? 'appointmentId' : 'patientId');
		if (isUniqueViolation(e, 'queue_token_appointment_key')) throw conflict('That appointment is already checked in', 'already_in_queue', 'appointmentId');
		throw e;
	}
	return result;
}
