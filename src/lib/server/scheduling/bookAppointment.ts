import { and, eq } from 'drizzle-orm';
import { appointment, type Appointment, type AppointmentType } from '../db/schema/scheduling';
import { patient } from '../db/schema/patients';
import { clinic, type Clinic } from '../db/schema';
import { emit } from '../notifications/outbox';
import type { Db, Tx } from '../db';
import { requiredIdempotency, runCommand } from '../command';
import { calendarChanged } from './project';
import { referralsBooked } from '../referrals/referrals';
import { patientAppointmentsChanged } from './patientProject';
import { appendAudit } from '../audit/audit';
import { AppError, badRequest, conflict, forbidden, notFound } from '../errors';
import { pgError } from '../db/errors';
import { parseInput } from '../validation';
import { formatRef, nextNumberInInsert } from '../tenancy/counters';
import type { ClinicContext } from '../tenancy/context';
import { clinicToday } from '../../time';
import { can } from './policy';
import { bookInput, type BookInput } from './schema';
import { usableAppointmentType } from './appointmentTypes';
import { doctorShifts } from './queries';
import { isClinicDoctor } from '../tenancy/doctors';
import { slotStartingAt } from './slots';
import { lockDayForBooking, stillInHours } from './dayLock';

export type BookedAppointment = Pick<Appointment, 'id' | 'refNo' | 'patientId' | 'doctorId' | 'status' | 'reason'> & {
	ref: string;
	start: string;
	end: string;
};

export const EXCLUSION_CONSTRAINT = 'appointment_no_overlap';

/** The slot of the doctor's schedule that starts exactly at `start` (lasting `length` minutes when given), or a field error. */
export async function scheduledSlot(db: Db | Tx, home: Clinic, doctorId: string, start: Date, length?: number) {
	const day = clinicToday(home.timezone, start);
	const slot = slotStartingAt(day, home.timezone, await doctorShifts(db, home.id, doctorId, day), start, length);
	if (!slot) throw new AppError('outside_schedule', 400, 'The doctor does not work at that time', 'start');
	return slot;
}

export function presentAppointment(home: Clinic, row: Appointment): BookedAppointment {
	return {
		id: row.id,
		refNo: row.refNo,
		ref: formatRef(home.code, 'A', row.refNo),
		patientId: row.patientId,
		doctorId: row.doctorId,
		status: row.status,
		reason: row.reason,
		start: row.startsAt.toISOString(),
		end: row.endsAt.toISOString()
	};
}

/**
 * Inside a command that puts an appointment in `slot`: takes the day's schedule lock (shared) and
 * refuses the time as outside the schedule when the clinic closed that day, the doctor went on
 * leave or their hours that day were cut short, after the command checked the slot.
 */
export async function assertDayStillOpen(tx: Tx, home: Clinic, doctorId: string, slot: { start: Date; end: Date }): Promise<void> {
	await lockDayForBooking(tx, home.id, clinicToday(home.timezone, slot.start));
	if (!(await stillInHours(tx, home, doctorId, slot)))
		throw new AppError('outside_schedule', 400, 'The day was closed or its hours changed meanwhile', 'start');
}

/** Turns the exclusion constraint's refusal into the "slot just taken" answer. */
export function slotTakenOr(e: unknown): never {
	const err = pgError(e);
	if (err?.code === '23P01') throw conflict('That slot was just taken', 'slot_taken', 'start');
	throw e;
}

/**
 * Books a patient with a doctor in a slot of the doctor's schedule. The database refuses an
 * overlap (exclusion constraint), so two desks racing for one slot get one booking and one
 * `slot_taken`; a retried request with the same idempotency key returns the first booking.
 */
export async function bookAppointment(db: Db, ctx: ClinicContext, input: unknown): Promise<BookedAppointment> {
	if (!can(ctx.actor, 'appointment.book')) throw forbidden();
	return bookParsed(db, ctx, parseInput(bookInput, input));
}

/**
 * A single booking once its input is parsed (by `bookAppointment`, or by the door that also takes
 * series). With `typeId` the appointment lasts the type's length instead of the doctor's slot.
 */
export async function bookParsed(db: Db, ctx: ClinicContext, data: BookInput): Promise<BookedAppointment> {
	const idempotency = requiredIdempotency(`appointment.book:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, data);
	const { home, type } = await checkBooking(db, ctx, data);
	const slot = await scheduledSlot(db, home, data.doctorId, data.start, type?.minutes);
	try {
		return await runCommand(db, idempotency, (tx) =>
			insertAppointment(tx, ctx, home, {
				patientId: data.patientId,
				doctorId: data.doctorId,
				slot,
				status: staffBookingStatus(home),
				reason: data.reason,
				typeId: type?.id
			})
		);
	} catch (e) {
		return slotTakenOr(e);
	}
}

export const staffBookingStatus = (home: Clinic) => (home.autoConfirmStaffBookings ? 'confirmed' : 'requested');

/**
 * What a staff booking checks before its transaction, for clear answers (not against races): the
 * doctor works here, the patient record is here and not merged away, the type is one of this
 * clinic's in use, the start has not passed.
 */
export async function checkBooking(db: Db, ctx: ClinicContext, data: BookInput): Promise<{ home: Clinic; type: AppointmentType | null }> {
	const [home] = await db.select().from(clinic).where(eq(clinic.id, ctx.clinicId));
	if (!home) throw notFound();
	if (!(await isClinicDoctor(db, ctx.clinicId, data.doctorId))) throw badRequest('No such doctor in this clinic', 'doctorId', 'field_invalid');
	const [who] = await db
		.select({ id: patient.id, mergedIntoId: patient.mergedIntoId })
		.from(patient)
		.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, data.patientId)));
	if (!who || who.mergedIntoId) throw badRequest('No such patient in this clinic', 'patientId', 'field_invalid');
	const type = data.typeId ? await usableAppointmentType(db, ctx.clinicId, data.typeId) : null;
	if (data.start.getTime() < Date.now() - 60_000) throw new AppError('in_the_past', 400, 'That time has passed', 'start');
	return { home, type };
}

export type NewAppointment = {
	patientId: string;
	doctorId: string;
	slot: { start: Date; end: Date };
	status: 'requested' | 'confirmed';
	reason: string;
	followUpOf?: string;
	typeId?: string;
	/** Shared by the appointments of one recurring booking. */
	seriesId?: string;
};

/**
 * The insert, audit row and outbox event of a booking, inside the caller's transaction. Locks in
 * this order: the patient's row, the day's schedule lock (dayLock.ts), then the clinic's
 * appointment number, taken last, by the insert itself: its counter row stays locked
 * until commit and every booking of the clinic waits for it, so nothing that can be done before
 * it is done after.
 */
export async function insertAppointment(tx: Tx, ctx: ClinicContext, home: Clinic, values: NewAppointment): Promise<BookedAppointment> {
	// The patient's row first, shared: a merge locks it before anything else, so a booking that
	// waited for one sees the record merged away and books nothing on it (the merge already moved
	// the record's other appointments and would never move this one).
	const [who] = await tx
		.select({ mergedIntoId: patient.mergedIntoId })
		.from(patient)
		.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, values.patientId)))
		.for('share');
	if (!who || who.mergedIntoId) throw badRequest('No such patient in this clinic', 'patientId', 'field_invalid');
	// Then the day's schedule lock, shared with other bookings (dayLock.ts): a closure, leave or
	// shortening of the day being saved now finishes first and is seen here, so nothing is booked
	// onto a closed day or outside the day's new hours.
	await assertDayStillOpen(tx, home, values.doctorId, values.slot);
	const id = crypto.randomUUID();
	const start = values.slot.start.toISOString();
	await calendarChanged(tx, ctx.clinicId, home.timezone, [values.slot.start]);
	await patientAppointmentsChanged(tx, [values.patientId]);
	await emit(tx, ctx.clinicId, { type: 'appointment.booked', payload: { appointmentId: id, patientId: values.patientId, doctorId: values.doctorId, start } });
	const number = nextNumberInInsert(tx, ctx.clinicId, 'A');
	const [row] = await tx
		.with(number.taken)
		.insert(appointment)
		.values({
			id,
			clinicId: ctx.clinicId,
			refNo: number.value,
			patientId: values.patientId,
			doctorId: values.doctorId,
			startsAt: values.slot.start,
			endsAt: values.slot.end,
			status: values.status,
			reason: values.reason,
			followUpOf: values.followUpOf ?? null,
			typeId: values.typeId ?? null,
			seriesId: values.seriesId ?? null,
			createdBy: ctx.actor.userId
		})
		.returning();
	// A referral waiting for this booking moves on (one indexed update; usually none).
	await referralsBooked(tx, ctx.clinicId, values.patientId, values.doctorId, row.id);
	const booked = presentAppointment(home, row);
	await appendAudit(tx, {
		clinicId: ctx.clinicId,
		actorUserId: ctx.actor.userId,
		action: 'appointment.book',
		entityType: 'appointment',
		entityId: row.id,
		data: {
			ref: booked.ref,
			start: booked.start,
			doctorId: row.doctorId,
			status: values.status,
			...(values.followUpOf ? { followUpOf: values.followUpOf } : {}),
			...(values.typeId ? { typeId: values.typeId } : {}),
			...(values.seriesId ? { seriesId: values.seriesId } : {})
		}
	});
	return booked;
}
