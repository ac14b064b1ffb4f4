import { and, asc, count, eq, gt, inArray, isNull, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { ACTIVE_APPOINTMENT_STATUSES, appointment } from '../db/schema/scheduling';
import { patient } from '../db/schema/patients';
import { appUser, clinic, type Clinic } from '../db/schema';
import type { Db, Tx } from '../db';
import { idempotencyKeyInput, requiredIdempotency, runCommand } from '../command';
import { AppError, badRequest, notFound } from '../errors';
import { parseInput } from '../validation';
import { formatRef } from '../tenancy/counters';
import { text } from '../tenancy/schema';
import type { ClinicContext } from '../tenancy/context';
import { addDays, clinicToday, isCalendarDay } from '../../time';
import { instant } from './schema';
import { freeSlots, MOVABLE_STATUSES } from './queries';
import { clinicDoctors, isClinicDoctor } from '../tenancy/doctors';
import { insertAppointment, scheduledSlot, slotTakenOr, type BookedAppointment } from './bookAppointment';
import { cancelOpenAppointment } from './changeAppointment';
import { linkedPatientRecords } from '../queue/queries';

type Reader = Db | Tx;

/** How far ahead a patient may ask for a time, and how many open requests they may hold per clinic. */
export const PATIENT_BOOKING_DAYS = 60;
export const PATIENT_OPEN_LIMIT = 3;

/** A patient's own appointment as their app shows it: times as instants, shown in the clinic's zone. */
export type PatientAppointment = {
	id: string;
	ref: string;
	start: string;
	end: string;
	status: string;
	doctorName: string;
	clinicName: string;
	clinicCode: string;
	timeZone: string;
	cancellable: boolean;
};

/** The account's own record at a clinic, or a clear refusal: a patient acts only on records linked to them. */
async function ownRecordAt(db: Reader, userId: string, clinicId: string): Promise<{ patientId: string; clinic: Clinic }> {
	const record = (await linkedPatientRecords(db, userId)).find((r) => r.clinic.id === clinicId);
	if (!record) throw new AppError('clinic_not_linked', 403, 'Your account is not linked to a record at this clinic');
	return record;
}

/** Appointments of the account's own linked records (merged-away ones left out), with doctor and clinic, narrowed by `where`. */
function ownAppointments(db: Reader, userId: string, where: SQL | undefined) {
	return db
		.select({ appointment, doctorName: appUser.name, clinic })
		.from(appointment)
		.innerJoin(patient, eq(patient.id, appointment.patientId))
		.innerJoin(clinic, eq(clinic.id, appointment.clinicId))
		.innerJoin(appUser, eq(appUser.id, appointment.doctorId))
		.where(and(eq(patient.userId, userId), isNull(patient.mergedIntoId), where));
}

/** Open appointments of the patient's linked records that have not ended yet, soonest first. */
export async function patientAppointments(db: Reader, userId: string, now = new Date()): Promise<PatientAppointment[]> {
	const rows = await ownAppointments(db, userId, and(inArray(appointment.status, [...ACTIVE_APPOINTMENT_STATUSES]), gt(appointment.endsAt, now)))
		.orderBy(asc(appointment.startsAt))
		.limit(50);
	return rows.map(({ appointment: a, doctorName, clinic: c }) => ({
		id: a.id,
		ref: formatRef(c.code, 'A', a.refNo),
		start: a.startsAt.toISOString(),
		end: a.endsAt.toISOString(),
		status: a.status,
		doctorName,
		clinicName: c.name,
		clinicCode: c.code,
		timeZone: c.timezone,
		cancellable: MOVABLE_STATUSES.some((s) => s === a.status) && a.startsAt > now
	}));
}

/** One of the patient's own appointments (any status), for its calendar file; not found when it is someone else's. */
export async function patientAppointment(db: Reader, userId: string, appointmentId: string) {
	if (!z.uuid().safeParse(appointmentId).success) throw notFound('No such appointment');
	const [row] = await ownAppointments(db, userId, eq(appointment.id, appointmentId));
	if (!row) throw notFound('No such appointment');
	return row;
}

/** What the booking page offers: the patient's clinics, the chosen clinic's doctors, and a doctor's free times on a date. */
export async function patientBookingChoices(db: Reader, userId: string, wanted: { clinic?: string; doctor?: string; date?: string }, now = new Date()) {
	const records = await linkedPatientRecords(db, userId);
	const chosen = records.find((r) => r.clinic.code === wanted.clinic) ?? records[0];
	if (!chosen) return { clinics: [], clinic: null, doctors: [], doctorId: null, date: null, firstDay: null, lastDay: null, slots: [] };
	const home = chosen.clinic;
	const doctors = await clinicDoctors(db, home.id);
	const doctorId = doctors.find((d) => d.id === wanted.doctor)?.id ?? doctors[0]?.id ?? null;
	const firstDay = clinicToday(home.timezone, now);
	const lastDay = addDays(firstDay, PATIENT_BOOKING_DAYS);
	const date = wanted.date && isCalendarDay(wanted.date) && wanted.date >= firstDay && wanted.date <= lastDay ? wanted.date : firstDay;
	const slots = doctorId ? await freeSlots(db, home.id, home.timezone, doctorId, date, now) : [];
	return {
		clinics: records.map((r) => ({ code: r.clinic.code, name: r.clinic.name })),
		clinic: { code: home.code, name: home.name, timeZone: home.timezone, patientId: chosen.patientId },
		doctors,
		doctorId,
		date,
		firstDay,
		lastDay,
		slots: slots.map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString() }))
	};
}

export const patientRequestInput = z.object({
	clinic: z.string().trim().min(1).max(20),
	doctorId: z.uuid(),
	start: instant,
	reason: text(500).default(''),
	idempotencyKey: idempotencyKeyInput.optional()
});

/**
 * A patient asks for a free slot with a doctor of a clinic they are linked to. It is always a
 * request (the doctor or desk confirms it); the database's exclusion constraint refuses a slot
 * someone took meanwhile, and a retried request with the same key books once.
 */
export async function requestAppointmentAsPatient(
	db: Db,
	userId: string,
	input: unknown,
	now = new Date()
): Promise<BookedAppointment & { clinicId: string; timeZone: string }> {
	const data = parseInput(patientRequestInput, input);
	const idempotency = requiredIdempotency('appointment.request', userId, data.idempotencyKey, data);
	const [home] = await db.select().from(clinic).where(eq(clinic.code, data.clinic.toUpperCase()));
	if (!home) throw badRequest('No such clinic', 'clinic', 'field_invalid');
	const record = await ownRecordAt(db, userId, home.id);
	if (!(await isClinicDoctor(db, home.id, data.doctorId))) throw badRequest('No such doctor in this clinic', 'doctorId', 'field_invalid');
	if (data.start.getTime() < now.getTime()) throw new AppError('in_the_past', 400, 'That time has passed', 'start');
	if (data.start.getTime() > now.getTime() + PATIENT_BOOKING_DAYS * 86_400_000)
		throw new AppError('too_far_ahead', 400, 'That is too far ahead to book', 'start', { days: PATIENT_BOOKING_DAYS });
	const slot = await scheduledSlot(db, home, data.doctorId, data.start);
	const ctx: ClinicContext = { clinicId: home.id, actor: { userId, role: null } };
	try {
		const booked = await runCommand(db, idempotency, async (tx) => {
			// Counted inside the transaction, under the record's lock: two tabs racing past the limit both see the other's request.
			await tx.select({ id: patient.id }).from(patient).where(eq(patient.id, record.patientId)).for('update');
			const [{ open }] = await tx
				.select({ open: count() })
				.from(appointment)
				.where(and(eq(appointment.patientId, record.patientId), inArray(appointment.status, [...MOVABLE_STATUSES]), gt(appointment.startsAt, now)));
			if (open >= PATIENT_OPEN_LIMIT)
				throw new AppError('booking_limit', 409, `You already have ${open} upcoming appointments here`, undefined, { count: PATIENT_OPEN_LIMIT });
			return insertAppointment(tx, ctx, home, { patientId: record.patientId, doctorId: data.doctorId, slot, status: 'requested', reason: data.reason });
		});
		return { ...booked, clinicId: home.id, timeZone: home.timezone };
	} catch (e) {
		return slotTakenOr(e);
	}
}

export const patientCancelInput = z.object({ reason: text(500).default(''), idempotencyKey: idempotencyKeyInput.optional() });

/** A patient cancels one of their own open, future appointments; the freed slot goes to the waitlist as any cancellation does. */
export async function cancelAppointmentAsPatient(db: Db, userId: string, appointmentId: string, input: unknown, now = new Date()) {
	const { reason, idempotencyKey } = parseInput(patientCancelInput, input);
	const idempotency = requiredIdempotency('appointment.cancel_own', userId, idempotencyKey, { appointmentId, reason });
	const { appointment: current, clinic: home } = await patientAppointment(db, userId, appointmentId);
	if (current.startsAt <= now)
		throw new AppError('invalid_transition', 409, 'An appointment that has begun cannot be cancelled', undefined, { status: current.status });
	const ctx: ClinicContext = { clinicId: home.id, actor: { userId, role: null } };
	const cancelled = await cancelOpenAppointment(db, ctx, home, appointmentId, reason, idempotency, { byPatient: true });
	return { ...cancelled, clinicId: home.id, timeZone: home.timezone };
}
