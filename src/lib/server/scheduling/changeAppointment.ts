import { and, eq } from 'drizzle-orm';
import { appointment, type Appointment, type AppointmentStatus } from '../db/schema/scheduling';
import { clinic, type Clinic } from '../db/schema';
import type { Db, Tx } from '../db';
import { optionalIdempotency, requiredIdempotency, runCommand, type Idempotency } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, badRequest, forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { calendarChanged } from './project';
import { patientAppointmentsChanged } from './patientProject';
import { appointmentChangeInput, cancelInput, rescheduleInput } from './schema';
import { isClinicDoctor } from '../tenancy/doctors';
import { presentAppointment, scheduledSlot, slotTakenOr, type BookedAppointment } from './bookAppointment';
import { offerFreedSlot } from './waitlist';
import { lockDayForBooking } from './dayLock';
import { clinicToday } from '../../time';
import { typeMinutes } from './appointmentTypes';
import { isUuid } from '../text';
import { emit } from '../notifications/outbox';
import type { OutboxEvent } from '../notifications/events';

/** Which status may become which: anything else is refused as an invalid transition. */
const transitions: Record<string, AppointmentStatus[]> = {
	confirm: ['requested'],
	decline: ['requested'],
	cancel: ['requested', 'confirmed'],
	noShow: ['confirmed', 'requested'],
	reschedule: ['requested', 'confirmed']
};

async function loadForChange(db: Db, ctx: ClinicContext, appointmentId: string) {
	const [home] = await db.select().from(clinic).where(eq(clinic.id, ctx.clinicId));
	if (!home || !isUuid(appointmentId)) throw notFound('No such appointment');
	return home;
}

async function lockAppointment(tx: Tx, clinicId: string, appointmentId: string, change: keyof typeof transitions): Promise<Appointment> {
	const [row] = await tx
		.select()
		.from(appointment)
		.where(and(eq(appointment.clinicId, clinicId), eq(appointment.id, appointmentId)))
		.for('update');
	if (!row) throw notFound('No such appointment');
	if (!transitions[change].includes(row.status)) {
		throw new AppError('invalid_transition', 409, `A ${row.status} appointment cannot be changed that way`, undefined, { status: row.status });
	}
	return row;
}

/** The optional key of a change a retry would only repeat (a second confirm, a second no-show). */
function optionalKey(ctx: ClinicContext, action: string, appointmentId: string, input: unknown): Idempotency | null {
	const { idempotencyKey } = parseInput(appointmentChangeInput, input);
	return optionalIdempotency(`${action}:${ctx.clinicId}`, ctx.actor.userId, idempotencyKey, { appointmentId });
}

type AppointmentEvent = OutboxEvent<'appointment.confirm' | 'appointment.decline' | 'appointment.cancel' | 'appointment.reschedule' | 'appointment.no_show'>;

/** The ids every appointment event carries. */
const idsOf = (row: Appointment) => ({ appointmentId: row.id, patientId: row.patientId, doctorId: row.doctorId });

/**
 * The audit row, outbox event and changed calendars (and the patient's list) of a change; `from` is where a moved
 * appointment was. The audit row is named by the event's type and keeps the event's details.
 */
async function record(tx: Tx, ctx: ClinicContext, home: Clinic, row: Appointment, event: AppointmentEvent, from: Date[] = []) {
	const { appointmentId: _appointment, patientId: _patient, doctorId: _doctor, ...data } = event.payload;
	await calendarChanged(tx, ctx.clinicId, home.timezone, [row.startsAt, ...from]);
	await patientAppointmentsChanged(tx, [row.patientId]);
	await appendAudit(tx, { clinicId: ctx.clinicId, actorUserId: ctx.actor.userId, action: event.type, entityType: 'appointment', entityId: row.id, data });
	await emit(tx, ctx.clinicId, event);
	return presentAppointment(home, row);
}

/**
 * Moves an appointment to another slot (and optionally another doctor); the database still
 * refuses overlaps. An appointment of a type keeps the type's length; one of a series moves alone.
 */
export async function rescheduleAppointment(db: Db, ctx: ClinicContext, appointmentId: string, input: unknown): Promise<BookedAppointment> {
	if (!can(ctx.actor, 'appointment.change')) throw forbidden();
	const data = parseInput(rescheduleInput, input);
	const home = await loadForChange(db, ctx, appointmentId);
	if (data.doctorId && !(await isClinicDoctor(db, ctx.clinicId, data.doctorId))) throw badRequest('No such doctor in this clinic', 'doctorId', 'field_invalid');
	if (data.start.getTime() < Date.now() - 60_000) throw new AppError('in_the_past', 400, 'That time has passed', 'start');
	const idempotency = requiredIdempotency(`appointment.reschedule:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { appointmentId, ...data });
	try {
		return await runCommand(db, idempotency, async (tx) => {
			// The day it moves to is locked before the appointment's row (dayLock.ts: a closure takes the
			// day, then the rows); the slot is then checked under it, so a closure saved meanwhile is seen.
			await lockDayForBooking(tx, ctx.clinicId, clinicToday(home.timezone, data.start));
			const current = await lockAppointment(tx, ctx.clinicId, appointmentId, 'reschedule');
			const doctorId = data.doctorId ?? current.doctorId;
			// A typed appointment keeps its type's length wherever it moves.
			const slot = await scheduledSlot(tx, home, doctorId, data.start, (await typeMinutes(tx, current.typeId)) ?? undefined);
			const [row] = await tx
				.update(appointment)
				.set({ startsAt: slot.start, endsAt: slot.end, doctorId, updatedAt: new Date() })
				.where(eq(appointment.id, appointmentId))
				.returning();
			await offerFreedSlot(tx, ctx.clinicId, current.doctorId, current.startsAt);
			const payload = { ...idsOf(row), from: current.startsAt.toISOString(), to: row.startsAt.toISOString(), fromDoctorId: current.doctorId };
			return record(tx, ctx, home, row, { type: 'appointment.reschedule', payload }, [current.startsAt]);
		});
	} catch (e) {
		return slotTakenOr(e);
	}
}

export async function cancelAppointment(db: Db, ctx: ClinicContext, appointmentId: string, input: unknown) {
	if (!can(ctx.actor, 'appointment.change')) throw forbidden();
	const data = parseInput(cancelInput, input);
	const idempotency = requiredIdempotency(`appointment.cancel:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { appointmentId, ...data });
	const home = await loadForChange(db, ctx, appointmentId);
	return cancelOpenAppointment(db, ctx, home, appointmentId, data.reason, idempotency);
}

/**
 * The cancellation itself, for the desk and for a patient cancelling their own (`extra` lands in
 * the audit row). A retry with the same key answers as the first cancellation did instead of
 * refusing an appointment that is already cancelled.
 */
export async function cancelOpenAppointment(
	db: Db,
	ctx: ClinicContext,
	home: Clinic,
	appointmentId: string,
	reason: string,
	idempotency: Idempotency,
	extra: { byPatient?: true } = {}
) {
	return runCommand(db, idempotency, async (tx) => {
		const current = await lockAppointment(tx, ctx.clinicId, appointmentId, 'cancel');
		const [row] = await tx
			.update(appointment)
			.set({ status: 'cancelled', cancelReason: reason, updatedAt: new Date() })
			.where(eq(appointment.id, appointmentId))
			.returning();
		await offerFreedSlot(tx, ctx.clinicId, current.doctorId, current.startsAt);
		return record(tx, ctx, home, row, { type: 'appointment.cancel', payload: { ...idsOf(row), reason, ...extra } });
	});
}

/** The doctor (or the desk and admins on their behalf) confirms or declines a requested appointment. */
export async function decideAppointment(db: Db, ctx: ClinicContext, appointmentId: string, decision: 'confirm' | 'decline', input: unknown = {}) {
	// Whose request it is decides who may answer it, before anything about its state is told.
	const [target] = await db
		.select({ doctorId: appointment.doctorId })
		.from(appointment)
		.where(and(eq(appointment.clinicId, ctx.clinicId), eq(appointment.id, appointmentId)));
	if (target && !can(ctx.actor, 'appointment.confirm', { doctorId: target.doctorId })) throw forbidden();
	const idempotency = optionalKey(ctx, `appointment.${decision}`, appointmentId, input);
	const home = await loadForChange(db, ctx, appointmentId);
	return runCommand(db, idempotency, async (tx) => {
		const current = await lockAppointment(tx, ctx.clinicId, appointmentId, decision);
		if (!can(ctx.actor, 'appointment.confirm', { doctorId: current.doctorId })) throw forbidden();
		const status = decision === 'confirm' ? 'confirmed' : 'declined';
		const [row] = await tx.update(appointment).set({ status, updatedAt: new Date() }).where(eq(appointment.id, appointmentId)).returning();
		if (decision === 'decline') await offerFreedSlot(tx, ctx.clinicId, current.doctorId, current.startsAt);
		return record(
			tx,
			ctx,
			home,
			row,
			decision === 'confirm' ? { type: 'appointment.confirm', payload: idsOf(row) } : { type: 'appointment.decline', payload: idsOf(row) }
		);
	});
}

/** A patient who did not come: only once the appointment's time has begun. */
export async function markNoShow(db: Db, ctx: ClinicContext, appointmentId: string, input: unknown = {}) {
	if (!can(ctx.actor, 'appointment.change')) throw forbidden();
	const idempotency = optionalKey(ctx, 'appointment.no_show', appointmentId, input);
	const home = await loadForChange(db, ctx, appointmentId);
	return runCommand(db, idempotency, async (tx) => {
		const current = await lockAppointment(tx, ctx.clinicId, appointmentId, 'noShow');
		if (current.startsAt.getTime() > Date.now()) throw new AppError('too_early', 409, 'The appointment has not started yet');
		const [row] = await tx.update(appointment).set({ status: 'no_show', updatedAt: new Date() }).where(eq(appointment.id, appointmentId)).returning();
		return record(tx, ctx, home, row, { type: 'appointment.no_show', payload: idsOf(row) });
	});
}
