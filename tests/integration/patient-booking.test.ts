import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { makeClinic, makeMember, makeUser, rand } from '../factories';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { patient } from '../../src/lib/server/db/schema/patients';
import { appointment } from '../../src/lib/server/db/schema/scheduling';
import { auditLog, outboxEvent } from '../../src/lib/server/db/schema';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { freeSlots } from '../../src/lib/server/scheduling/queries';
import {
	cancelAppointmentAsPatient,
	patientAppointment,
	patientAppointments,
	patientBookingChoices,
	PATIENT_BOOKING_DAYS,
	PATIENT_OPEN_LIMIT,
	requestAppointmentAsPatient
} from '../../src/lib/server/scheduling/patientBooking';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { addDays, clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

let database: Database;
let desk: ClinicContext;
let doctorId: string;
let clinicId: string;
let clinicCode: string;
let otherCode: string;
const TZ = 'Asia/Karachi';
const started = Date.now();
const dayAhead = (days: number) => clinicToday(TZ, new Date(started + days * 86_400_000));
const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00', slotMinutes: 15, breaks: [] }));

/** A patient account with a record at the clinic linked to it. */
async function linkedPatient() {
	const user = await makeUser(database.db, { kind: 'patient' });
	const result = await registerPatient(database.db, desk, { name: `Patient ${rand(3)}` }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('not created');
	await database.db.update(patient).set({ userId: user.id }).where(eq(patient.id, result.patient.id));
	return { userId: user.id, patientId: result.patient.id };
}

const slotsOn = async (days: number) => freeSlots(database.db, clinicId, TZ, doctorId, dayAhead(days));
const request = (userId: string, start: Date, extra: Record<string, unknown> = {}) =>
	requestAppointmentAsPatient(database.db, userId, { clinic: clinicCode, doctorId, start: start.toISOString(), idempotencyKey: `key-${rand(6)}`, ...extra });

beforeAll(async () => {
	database = await testDatabase();
	const clinic = await makeClinic(database.db, { timezone: TZ, autoConfirmStaffBookings: true });
	clinicId = clinic.id;
	clinicCode = clinic.code;
	const receptionist = await makeMember(database.db, clinic.id, 'reception');
	doctorId = (await makeMember(database.db, clinic.id, 'doctor')).id;
	desk = { clinicId, actor: { userId: receptionist.id, role: 'reception' } };
	await setAvailability(database.db, desk, doctorId, { weekly: everyDay, exceptions: [] });
	const other = await makeClinic(database.db);
	otherCode = other.code;
	await makeMember(database.db, other.id, 'doctor');
});

describe('a patient books from their app', () => {
	it('offers only their own clinics, that clinic’s doctors and free times, and asks (never confirms) a slot', async () => {
		const me = await linkedPatient();
		const choices = await patientBookingChoices(database.db, me.userId, { clinic: otherCode, date: dayAhead(2) });
		expect(choices.clinics.map((c) => c.code)).toEqual([clinicCode]); // the other clinic is not theirs: the own one is chosen
		expect(choices.clinic?.code).toBe(clinicCode);
		expect(choices.doctors.map((d) => d.id)).toEqual([doctorId]);
		expect(choices.date).toBe(dayAhead(2));
		expect(choices.slots).toHaveLength(32);

		const [slot] = await slotsOn(2);
		const booked = await request(me.userId, slot.start, { reason: 'Cough for a week' });
		// A staff booking would be confirmed here (auto-confirm is on); a patient's is a request.
		expect(booked).toMatchObject({ status: 'requested', patientId: me.patientId, doctorId, start: slot.start.toISOString() });
		expect(booked.ref).toMatch(new RegExp(`^${clinicCode}-A\\d+$`));
		const mine = await patientAppointments(database.db, me.userId);
		expect(mine).toEqual([expect.objectContaining({ id: booked.id, status: 'requested', cancellable: true, clinicCode, timeZone: TZ })]);
		const events = await database.db
			.select()
			.from(outboxEvent)
			.where(and(eq(outboxEvent.clinicId, clinicId), eq(outboxEvent.type, 'appointment.booked')));
		expect(events.some((e) => (e.payload as { appointmentId: string }).appointmentId === booked.id)).toBe(true);
		// The slot is gone from what the next patient is offered.
		expect((await slotsOn(2)).some((s) => s.start.getTime() === slot.start.getTime())).toBe(false);
	});

	it('offers today for a day that is not on the calendar or outside the booking window, and the window ends 60 clinic days ahead', async () => {
		const me = await linkedPatient();
		const now = new Date();
		const today = clinicToday(TZ, now);
		const last = addDays(today, PATIENT_BOOKING_DAYS);
		// Day 32 of this month sorts between today and the last day, yet it is no day at all.
		for (const date of [`${today.slice(0, 8)}32`, addDays(today, -1), addDays(last, 1)]) {
			const choices = await patientBookingChoices(database.db, me.userId, { clinic: clinicCode, date }, now);
			expect(choices).toMatchObject({ date: today, firstDay: today, lastDay: last });
		}
		expect((await patientBookingChoices(database.db, me.userId, { clinic: clinicCode, date: last }, now)).date).toBe(last);
	});

	it('books once for a retried request with the same key', async () => {
		const me = await linkedPatient();
		const [slot] = await slotsOn(3);
		const input = { clinic: clinicCode, doctorId, start: slot.start.toISOString(), idempotencyKey: `retry-${rand(6)}` };
		const [a, b] = await Promise.all([requestAppointmentAsPatient(database.db, me.userId, input), requestAppointmentAsPatient(database.db, me.userId, input)]);
		expect(a.id).toBe(b.id);
		expect(await patientAppointments(database.db, me.userId)).toHaveLength(1);
	});

	it('gives one of two patients racing for a slot the slot and the other a clear slot_taken', async () => {
		const [first, second] = [await linkedPatient(), await linkedPatient()];
		const [slot] = await slotsOn(4);
		const results = await Promise.allSettled([request(first.userId, slot.start), request(second.userId, slot.start)]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'slot_taken', status: 409 } });
		// and a desk booking racing a patient for the next slot: also exactly one.
		const third = await linkedPatient();
		const next = (await slotsOn(4))[0];
		const raced = await Promise.allSettled([
			request(third.userId, next.start),
			bookAppointment(database.db, desk, { patientId: first.patientId, doctorId, start: next.start.toISOString(), idempotencyKey: `desk-${rand(6)}` })
		]);
		expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
	});

	it('refuses what is not theirs to ask: an unlinked clinic, a record merged away, a stranger doctor, a time off the schedule, the past, too far ahead, and bad input', async () => {
		const me = await linkedPatient();
		const [slot] = await slotsOn(5);
		const stranger = await makeUser(database.db, { kind: 'patient' });
		await expect(request(stranger.id, slot.start)).rejects.toMatchObject({ code: 'clinic_not_linked', status: 403 });
		await expect(
			requestAppointmentAsPatient(database.db, me.userId, { clinic: otherCode, doctorId, start: slot.start.toISOString(), idempotencyKey: `k-${rand(6)}` })
		).rejects.toMatchObject({ code: 'clinic_not_linked' });
		await expect(
			requestAppointmentAsPatient(database.db, me.userId, { clinic: 'NOPE1', doctorId, start: slot.start.toISOString(), idempotencyKey: `k-${rand(6)}` })
		).rejects.toMatchObject({ status: 400, field: 'clinic' });
		await expect(request(me.userId, slot.start, { doctorId: desk.actor.userId })).rejects.toMatchObject({ status: 400, field: 'doctorId' });
		await expect(request(me.userId, new Date(slot.start.getTime() + 7 * 60_000))).rejects.toMatchObject({ code: 'outside_schedule' });
		await expect(request(me.userId, new Date(Date.now() - 3_600_000))).rejects.toMatchObject({ code: 'in_the_past' });
		const farDay = dayAhead(70);
		await expect(request(me.userId, new Date(`${farDay}T10:00:00+05:00`))).rejects.toMatchObject({ code: 'too_far_ahead', params: { days: 60 } });
		for (const bad of [
			{},
			{ clinic: clinicCode, doctorId: 'x', start: slot.start.toISOString(), idempotencyKey: 'kkkkkkkk' },
			{ clinic: clinicCode, doctorId, start: 'tomorrow', idempotencyKey: 'kkkkkkkk' },
			{ clinic: clinicCode, doctorId, start: slot.start.toISOString(), idempotencyKey: 'short' },
			{ clinic: clinicCode, doctorId, start: slot.start.toISOString(), idempotencyKey: 'kkkkkkkk', reason: 'x'.repeat(501) }
		]) {
			await expect(requestAppointmentAsPatient(database.db, me.userId, bad)).rejects.toMatchObject({ status: 400 });
		}
		const merged = await linkedPatient();
		await database.db.update(patient).set({ mergedIntoId: me.patientId }).where(eq(patient.id, merged.patientId));
		await expect(request(merged.userId, slot.start)).rejects.toMatchObject({ code: 'clinic_not_linked' });
		expect(await database.db.select().from(appointment).where(eq(appointment.patientId, me.patientId))).toEqual([]);
	});

	it(`holds at most ${PATIENT_OPEN_LIMIT} open requests per clinic, even when they race`, async () => {
		const me = await linkedPatient();
		const slots = await slotsOn(6);
		const results = await Promise.allSettled(slots.slice(0, PATIENT_OPEN_LIMIT + 2).map((s) => request(me.userId, s.start)));
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(PATIENT_OPEN_LIMIT);
		expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === 'booking_limit')).toBe(true);
	});
});

describe('a patient’s own appointments', () => {
	it('cancels their own future appointment (audited as the patient’s, the slot freed), and not someone else’s', async () => {
		const me = await linkedPatient();
		const other = await linkedPatient();
		const [slot] = await slotsOn(7);
		const booked = await request(me.userId, slot.start);
		await expect(cancelAppointmentAsPatient(database.db, other.userId, booked.id, { idempotencyKey: crypto.randomUUID() })).rejects.toMatchObject({
			status: 404
		});
		await expect(cancelAppointmentAsPatient(database.db, me.userId, 'not-an-id', { idempotencyKey: crypto.randomUUID() })).rejects.toMatchObject({
			status: 404
		});
		await expect(
			cancelAppointmentAsPatient(database.db, me.userId, booked.id, { reason: 'x'.repeat(501), idempotencyKey: crypto.randomUUID() })
		).rejects.toMatchObject({ status: 400 });
		const cancelled = await cancelAppointmentAsPatient(database.db, me.userId, booked.id, { reason: 'Feeling better', idempotencyKey: crypto.randomUUID() });
		expect(cancelled.status).toBe('cancelled');
		expect(await patientAppointments(database.db, me.userId)).toEqual([]);
		const [audit] = await database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.entityId, booked.id), eq(auditLog.action, 'appointment.cancel')));
		expect(audit).toMatchObject({ actorUserId: me.userId, data: { reason: 'Feeling better', byPatient: true } });
		expect((await slotsOn(7)).some((s) => s.start.getTime() === slot.start.getTime())).toBe(true);
		// A second cancel is refused as a transition, not done twice.
		await expect(cancelAppointmentAsPatient(database.db, me.userId, booked.id, { idempotencyKey: crypto.randomUUID() })).rejects.toMatchObject({
			code: 'invalid_transition'
		});
	});

	it('lists desk bookings too, hides other patients’ and ended ones, and opens only their own for the calendar file', async () => {
		const me = await linkedPatient();
		const other = await linkedPatient();
		const [slot] = await slotsOn(8);
		const byDesk = await bookAppointment(database.db, desk, {
			patientId: me.patientId,
			doctorId,
			start: slot.start.toISOString(),
			idempotencyKey: `desk-${rand(6)}`
		});
		expect(await patientAppointments(database.db, me.userId)).toEqual([expect.objectContaining({ id: byDesk.id, status: 'confirmed' })]);
		expect(await patientAppointments(database.db, other.userId)).toEqual([]);
		expect(await patientAppointments(database.db, me.userId, new Date(slot.end.getTime() + 1))).toEqual([]);
		expect((await patientAppointment(database.db, me.userId, byDesk.id)).appointment.id).toBe(byDesk.id);
		await expect(patientAppointment(database.db, other.userId, byDesk.id)).rejects.toMatchObject({ status: 404 });
	});
});
