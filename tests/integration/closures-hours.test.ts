import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeMember, rand } from '../factories';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { addClinicClosure, setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { doctorAvailability } from '../../src/lib/server/scheduling/queries';
import { composeNotice } from '../../src/lib/server/notifications/notices';
import { findRecipient } from '../../src/lib/server/notifications/recipients';
import { parseOutboxEvent } from '../../src/lib/server/notifications/events';
import { isAppError } from '../../src/lib/server/errors';
import { appointment, outboxEvent } from '../../src/lib/server/db/schema';
import { clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

/**
 * Cutting a doctor's hours short on a date (09:00–17:00 becomes 09:00–12:00) is a partial closing
 * of that day: the appointments the new hours no longer hold are listed like a closed day's, and a
 * booking racing the change is listed or refused. Checked-in appointments (the patient is in the
 * building) are listed by every closing change, and never cancelled by one.
 */
let database: Database;
let clinicId: string;
let admin: ClinicContext;
let desk: ClinicContext;
let doctorId: string;
let otherDoctorId: string;
const TZ = 'Asia/Karachi';
const started = Date.now();
const dayAhead = (days: number) => clinicToday(TZ, new Date(started + days * 86_400_000));
const at = (day: string, hhmm: string) => `${day}T${hhmm}:00+05:00`;
const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00', slotMinutes: 15 }));
const morningOnly = (day: string, reason = 'Afternoon in court') => ({ date: day, off: false, start: '09:00', end: '12:00', reason });

async function book(day: string, time: string, doctor = doctorId) {
	const result = await registerPatient(database.db, desk, { name: `Patient ${rand(3)}` }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('not created');
	return bookAppointment(database.db, desk, { patientId: result.patient.id, doctorId: doctor, start: at(day, time), idempotencyKey: rand(8) });
}

/** The patient arrived and the desk checked them in (the status a check-in leaves on the appointment). */
async function markCheckedIn(appointmentId: string) {
	await database.db.update(appointment).set({ status: 'checked_in' }).where(eq(appointment.id, appointmentId));
}

const rowsOf = async (ids: string[]) =>
	Object.fromEntries(
		(
			await database.db
				.select({ id: appointment.id, status: appointment.status, cancelReason: appointment.cancelReason })
				.from(appointment)
				.where(inArray(appointment.id, ids))
		).map((r) => [r.id, [r.status, r.cancelReason]])
	);

const cancelEvents = async (ids: string[]) =>
	(await database.db.select().from(outboxEvent).where(eq(outboxEvent.type, 'appointment.cancel'))).filter((row) => {
		const parsed = parseOutboxEvent(row);
		return parsed.ok && parsed.event.type === 'appointment.cancel' && ids.includes(parsed.event.payload.appointmentId);
	});

const storedHours = async (day: string) => (await doctorAvailability(database.db, clinicId, doctorId, day)).exceptions.find((e) => e.date === day);

async function refusal(promise: Promise<unknown>) {
	try {
		await promise;
	} catch (e) {
		if (isAppError(e)) return e;
		throw e;
	}
	throw new Error('expected a refusal');
}

beforeAll(async () => {
	database = await testDatabase();
	clinicId = (await makeClinic(database.db, { timezone: TZ })).id;
	const ctx = async (role: 'admin' | 'reception' | 'doctor'): Promise<ClinicContext> => ({
		clinicId,
		actor: { userId: (await makeMember(database.db, clinicId, role)).id, role }
	});
	admin = await ctx('admin');
	desk = await ctx('reception');
	doctorId = (await ctx('doctor')).actor.userId;
	otherDoctorId = (await ctx('doctor')).actor.userId;
	for (const doctor of [doctorId, otherDoctorId]) await setAvailability(database.db, admin, doctor, { weekly });
});

describe('cutting a doctor’s hours short on a date', () => {
	it('refuses with 409 day_has_appointments listing only the bookings the new hours leave out, and saves nothing', async () => {
		const day = dayAhead(3);
		const inside = await book(day, '10:00');
		const straddles = await book(day, '11:45');
		const endsAfter = await book(day, '12:00');
		const afternoon = await book(day, '15:00');
		const colleague = await book(day, '15:00', otherDoctorId);

		const error = await refusal(setAvailability(database.db, desk, doctorId, { weekly, exceptions: [morningOnly(day)] }));
		expect({ status: error.status, code: error.code, params: error.params }).toEqual({ status: 409, code: 'day_has_appointments', params: { count: 2 } });
		expect(error.lists.appointments?.map((a) => [a.id, a.day, a.start, a.status])).toEqual([
			[endsAfter.id, day, endsAfter.start, 'confirmed'],
			[afternoon.id, day, afternoon.start, 'confirmed']
		]);
		expect(await storedHours(day)).toBeUndefined();
		const ids = [inside.id, straddles.id, endsAfter.id, afternoon.id, colleague.id];
		expect(Object.values(await rowsOf(ids)).every(([status]) => status === 'confirmed')).toBe(true);
	});

	it('cancel_and_notify cancels those as the doctor’s hours, tells each patient why, and a second save of the same hours asks nothing', async () => {
		const day = dayAhead(4);
		const inside = await book(day, '11:00');
		const outside = await book(day, '14:30');
		const result = await setAvailability(database.db, desk, doctorId, { weekly, exceptions: [morningOnly(day)], appointments: 'cancel_and_notify' });
		expect(result).toMatchObject({ cancelledAppointments: [outside.id], keptAppointments: [] });
		expect(await storedHours(day)).toMatchObject({ start: '09:00', end: '12:00' });
		expect(await rowsOf([inside.id, outside.id])).toEqual({ [inside.id]: ['confirmed', null], [outside.id]: ['cancelled', 'doctor_hours'] });

		const [event] = await cancelEvents([outside.id]);
		const parsed = parseOutboxEvent(event);
		const recipient = await findRecipient(database.db, outside.patientId);
		if (!parsed.ok || !recipient) throw new Error('unreadable event');
		expect(parsed.event.payload).toMatchObject({ cause: 'doctor_hours', reason: 'Afternoon in court' });
		const notice = await composeNotice(database.db, parsed.event, event.createdAt, recipient);
		expect(notice?.lines[1]).toContain('no longer sees patients at that time');

		const again = await setAvailability(database.db, desk, doctorId, { weekly, exceptions: [morningOnly(day)] });
		expect(again).toMatchObject({ cancelledAppointments: [], keptAppointments: [] });
	});

	it('keep saves the shorter hours and keeps the bookings; cutting them again asks about what the newer hours leave out', async () => {
		const day = dayAhead(5);
		const late = await book(day, '16:00');
		const eleven = await book(day, '11:00');
		const kept = await setAvailability(database.db, desk, doctorId, { weekly, exceptions: [morningOnly(day)], appointments: 'keep' });
		expect(kept).toMatchObject({ cancelledAppointments: [], keptAppointments: [late.id] });
		expect(await storedHours(day)).toMatchObject({ end: '12:00' });

		const error = await refusal(setAvailability(database.db, desk, doctorId, { weekly, exceptions: [{ ...morningOnly(day), end: '11:00' }] }));
		expect(error.lists.appointments?.map((a) => a.id)).toEqual([eleven.id, late.id]);
	});

	it('asks about bookings outside the weekly hours when a date’s longer one-off hours are taken away', async () => {
		const day = dayAhead(6);
		await setAvailability(database.db, desk, doctorId, { weekly, exceptions: [{ date: day, off: false, start: '09:00', end: '20:00', reason: '' }] });
		const evening = await book(day, '18:00');
		const error = await refusal(setAvailability(database.db, desk, doctorId, { weekly, exceptions: [] }));
		expect(error.lists.appointments?.map((a) => a.id)).toEqual([evening.id]);
		await setAvailability(database.db, desk, doctorId, { weekly, exceptions: [], appointments: 'keep' });
	});
});

describe('a booking racing a cut in its day’s hours', () => {
	const stagger = (round: number) => new Promise((resolve) => setTimeout(resolve, (round % 4) * 4));

	it('ends with the booking refused, listed or cancelled, never live outside the new hours unaccounted for', async () => {
		const outcomes: string[] = [];
		for (let round = 0; round < 12; round++) {
			const day = dayAhead(20 + round);
			const choice = round % 2 === 0 ? {} : { appointments: 'cancel_and_notify' as const };
			const registered = await registerPatient(database.db, desk, { name: `Racer ${rand(3)}` }, { allowDuplicate: true });
			if (registered.status !== 'created') throw new Error('not created');
			const [booking, shorten] = await Promise.allSettled([
				bookAppointment(database.db, desk, { patientId: registered.patient.id, doctorId: otherDoctorId, start: at(day, '15:00'), idempotencyKey: rand(8) }),
				stagger(round).then(() => setAvailability(database.db, admin, otherDoctorId, { weekly, exceptions: [morningOnly(day)], ...choice }))
			]);
			const live = await database.db
				.select({ id: appointment.id })
				.from(appointment)
				.where(and(eq(appointment.patientId, registered.patient.id), inArray(appointment.status, ['requested', 'confirmed'])));
			if (booking.status === 'rejected') {
				expect(booking.reason).toMatchObject({ status: 400, code: 'outside_schedule' });
				expect({ shorten: shorten.status, live }).toEqual({ shorten: 'fulfilled', live: [] });
				outcomes.push('refused');
			} else if (shorten.status === 'rejected') {
				expect(shorten.reason).toMatchObject({ code: 'day_has_appointments', lists: { appointments: [expect.objectContaining({ id: booking.value.id })] } });
				expect(live).toHaveLength(1);
				outcomes.push('listed');
			} else {
				expect(shorten.value.cancelledAppointments).toEqual([booking.value.id]);
				expect(live).toEqual([]);
				outcomes.push('cancelled');
			}
		}
		expect(outcomes.every((o) => ['refused', 'listed', 'cancelled'].includes(o))).toBe(true);
		await setAvailability(database.db, admin, otherDoctorId, { weekly, appointments: 'keep' });
	});
});

describe('checked-in patients on a day being closed', () => {
	it('a closure lists them with their status, and cancel_and_notify cancels the others but keeps them, untold', async () => {
		const day = dayAhead(8);
		const arrived = await book(day, '10:00');
		await markCheckedIn(arrived.id);
		const expected = await book(day, '11:00', otherDoctorId);

		const error = await refusal(addClinicClosure(database.db, admin, { date: day, reason: 'Power cut' }));
		expect(error.lists.appointments?.map((a) => [a.id, a.status])).toEqual([
			[arrived.id, 'checked_in'],
			[expected.id, 'confirmed']
		]);

		const result = await addClinicClosure(database.db, admin, { date: day, reason: 'Power cut', appointments: 'cancel_and_notify' });
		expect(result).toMatchObject({ cancelledAppointments: [expected.id], keptAppointments: [arrived.id] });
		expect(await rowsOf([arrived.id, expected.id])).toEqual({ [arrived.id]: ['checked_in', null], [expected.id]: ['cancelled', 'clinic_closed'] });
		expect((await cancelEvents([arrived.id, expected.id])).map((e) => e.payload)).toEqual([expect.objectContaining({ appointmentId: expected.id })]);
	});

	it('leave and shortened hours list them too, and keep them when told to cancel', async () => {
		const [off, shorter] = [dayAhead(9), dayAhead(10)];
		const onLeaveDay = await book(off, '09:30');
		const afterNoon = await book(shorter, '13:00');
		await markCheckedIn(onLeaveDay.id);
		await markCheckedIn(afterNoon.id);
		const exceptions = [{ date: off, off: true, reason: 'Ill' }, morningOnly(shorter)];

		const error = await refusal(setAvailability(database.db, desk, doctorId, { weekly, exceptions }));
		expect(error.lists.appointments?.map((a) => [a.id, a.status])).toEqual([
			[onLeaveDay.id, 'checked_in'],
			[afterNoon.id, 'checked_in']
		]);
		const result = await setAvailability(database.db, desk, doctorId, { weekly, exceptions, appointments: 'cancel_and_notify' });
		expect(result).toMatchObject({ cancelledAppointments: [], keptAppointments: [onLeaveDay.id, afterNoon.id] });
		expect(await rowsOf([onLeaveDay.id, afterNoon.id])).toEqual({ [onLeaveDay.id]: ['checked_in', null], [afterNoon.id]: ['checked_in', null] });
	});
});
