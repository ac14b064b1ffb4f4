import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeMember, rand } from '../factories';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { addClinicClosure, setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { cancelAppointment } from '../../src/lib/server/scheduling/changeAppointment';
import { clinicClosures } from '../../src/lib/server/scheduling/queries';
import { joinWaitlist } from '../../src/lib/server/scheduling/waitlist';
import { projectClinicCalendar } from '../../src/lib/server/scheduling/project';
import { composeNotice } from '../../src/lib/server/notifications/notices';
import { findRecipient } from '../../src/lib/server/notifications/recipients';
import { parseOutboxEvent } from '../../src/lib/server/notifications/events';
import { changeHub, clinicWide } from '../../src/lib/server/sync/publish';
import { translatedError } from '../../src/lib/server/edge';
import { isAppError } from '../../src/lib/server/errors';
import { appointment, auditLog, outboxEvent, patient as patientTable, waitlistEntry } from '../../src/lib/server/db/schema';
import { clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

/**
 * Closing a day (a clinic holiday, a doctor's leave) that holds live bookings never strands them
 * silently: the command lists them and saves nothing until told to cancel them (and tell the
 * patients) or keep them; a booking racing the closure is either seen by it or refused.
 */
let database: Database;
let clinicId: string;
let admin: ClinicContext;
let desk: ClinicContext;
let doctorCtx: ClinicContext;
let pharmacy: ClinicContext;
let doctorId: string;
let otherDoctorId: string;
const TZ = 'Asia/Karachi';
const started = Date.now();
/** A clinic-local date `days` ahead; each test takes days of its own, so none sees another's bookings. */
const dayAhead = (days: number) => clinicToday(TZ, new Date(started + days * 86_400_000));
const at = (day: string, hhmm: string) => `${day}T${hhmm}:00+05:00`;

async function newPatient(name = `Patient ${rand(3)}`) {
	const result = await registerPatient(database.db, desk, { name }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('not created');
	return result.patient;
}

async function book(day: string, time: string, doctor = doctorId, name?: string) {
	const who = await newPatient(name);
	const booked = await bookAppointment(database.db, desk, { patientId: who.id, doctorId: doctor, start: at(day, time), idempotencyKey: rand(8) });
	return { ...booked, patientName: who.name };
}

const statusOf = async (ids: string[]) =>
	Object.fromEntries(
		(await database.db.select({ id: appointment.id, status: appointment.status }).from(appointment).where(inArray(appointment.id, ids))).map((r) => [
			r.id,
			r.status
		])
	);

const cancelEvents = async (ids: string[]) =>
	(await database.db.select().from(outboxEvent).where(eq(outboxEvent.type, 'appointment.cancel'))).filter((row) => {
		const parsed = parseOutboxEvent(row);
		return parsed.ok && parsed.event.type === 'appointment.cancel' && ids.includes(parsed.event.payload.appointmentId);
	});

const closedOn = async (day: string) => (await clinicClosures(database.db, clinicId, day)).some((c) => c.date === day);

/** The names the commands published while `act` ran (as the sync server in this process would hear them). */
async function publishedBy(act: () => Promise<unknown>): Promise<string[]> {
	const heard: string[] = [];
	const listener = (names: string[]) => heard.push(...names);
	changeHub().listeners.add(listener);
	try {
		await act();
	} finally {
		changeHub().listeners.delete(listener);
	}
	return heard;
}

async function refusal(promise: Promise<unknown>) {
	try {
		await promise;
	} catch (e) {
		if (isAppError(e)) return e;
		throw e;
	}
	throw new Error('expected a refusal');
}

const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00', slotMinutes: 15 }));

beforeAll(async () => {
	database = await testDatabase();
	const clinic = await makeClinic(database.db, { timezone: TZ });
	clinicId = clinic.id;
	const ctx = async (role: 'admin' | 'reception' | 'doctor' | 'pharmacist', name?: string): Promise<ClinicContext> => ({
		clinicId,
		actor: { userId: (await makeMember(database.db, clinicId, role, name ? { name } : {})).id, role }
	});
	admin = await ctx('admin');
	desk = await ctx('reception');
	pharmacy = await ctx('pharmacist');
	doctorCtx = await ctx('doctor', 'Dr Bilal Ahmed');
	doctorId = doctorCtx.actor.userId;
	otherDoctorId = (await ctx('doctor', 'Dr Sara Malik')).actor.userId;
	for (const doctor of [doctorId, otherDoctorId]) await setAvailability(database.db, admin, doctor, { weekly });
});

describe('closing a clinic day that has bookings', () => {
	it('refuses with 409 day_has_appointments listing the live bookings with names and times, and saves nothing', async () => {
		const day = dayAhead(3);
		const first = await book(day, '10:00', doctorId, `Ayesha ${rand(2)}`);
		const second = await book(day, '11:30', otherDoctorId, `Hamza ${rand(2)}`);
		const cancelled = await book(day, '12:00');
		await cancelAppointment(database.db, desk, cancelled.id, { reason: 'Patient called', idempotencyKey: rand(8) });
		const elsewhere = await book(dayAhead(4), '10:00');

		const error = await refusal(addClinicClosure(database.db, admin, { date: day, reason: 'Eid' }));
		expect({ status: error.status, code: error.code, params: error.params }).toEqual({ status: 409, code: 'day_has_appointments', params: { count: 2 } });
		expect(error.lists.appointments).toEqual([
			{
				id: first.id,
				ref: first.ref,
				day,
				start: first.start,
				end: first.end,
				status: 'confirmed',
				doctorId,
				doctorName: 'Dr Bilal Ahmed',
				patientId: first.patientId,
				patientName: first.patientName,
				patientRef: expect.stringMatching(/-P\d+$/)
			},
			expect.objectContaining({ id: second.id, doctorId: otherDoctorId, doctorName: 'Dr Sara Malik', patientName: second.patientName, start: second.start })
		]);
		// What every edge sends: the list inside `error`, beside the sentence.
		const sent = translatedError(error);
		expect(sent).toMatchObject({ code: 'day_has_appointments', fields: [], appointments: error.lists.appointments });
		expect(sent.message).toContain('(2)');

		expect(await closedOn(day)).toBe(false);
		expect(await statusOf([first.id, second.id, elsewhere.id])).toEqual({ [first.id]: 'confirmed', [second.id]: 'confirmed', [elsewhere.id]: 'confirmed' });
		expect(await cancelEvents([first.id, second.id])).toEqual([]);
	});

	it('cancel_and_notify cancels every booking of the day, records why, tells each patient, publishes the calendars and offers no waitlist slot', async () => {
		const day = dayAhead(5);
		const first = await book(day, '09:30');
		const second = await book(day, '14:00', otherDoctorId);
		const waiting = await newPatient();
		const entry = await joinWaitlist(database.db, desk, { patientId: waiting.id, doctorId, note: 'any earlier day' });

		let result: Awaited<ReturnType<typeof addClinicClosure>> | undefined;
		const published = await publishedBy(async () => {
			result = await addClinicClosure(database.db, admin, { date: day, reason: 'Eid', appointments: 'cancel_and_notify' });
		});
		expect(result).toMatchObject({ day, reason: 'Eid', cancelledAppointments: [first.id, second.id], keptAppointments: [] });
		expect(published).toContain(clinicWide(clinicId));
		expect(await closedOn(day)).toBe(true);

		const rows = await database.db
			.select()
			.from(appointment)
			.where(inArray(appointment.id, [first.id, second.id]));
		expect(rows.map((r) => [r.status, r.cancelReason])).toEqual([
			['cancelled', 'clinic_closed'],
			['cancelled', 'clinic_closed']
		]);
		// One event per patient, in the same transaction, saying the clinic closed.
		const events = (await cancelEvents([first.id, second.id])).map((row) => row.payload);
		expect(events).toEqual(
			expect.arrayContaining([
				{ appointmentId: first.id, patientId: first.patientId, doctorId, reason: 'Eid', cause: 'clinic_closed' },
				{ appointmentId: second.id, patientId: second.patientId, doctorId: otherDoctorId, reason: 'Eid', cause: 'clinic_closed' }
			])
		);
		expect(events).toHaveLength(2);
		const audit = await database.db
			.select({ action: auditLog.action, entityId: auditLog.entityId, data: auditLog.data })
			.from(auditLog)
			.where(and(eq(auditLog.clinicId, clinicId), inArray(auditLog.action, ['appointment.cancel', 'closure.add'])));
		expect(audit).toEqual(
			expect.arrayContaining([
				{ action: 'appointment.cancel', entityId: first.id, data: { reason: 'Eid', cause: 'clinic_closed' } },
				expect.objectContaining({ action: 'closure.add', data: { date: day, reason: 'Eid', appointments: 'cancel_and_notify', cancelled: 2, kept: 0 } })
			])
		);

		// The calendar of that day shows nothing live any more.
		const calendar = await projectClinicCalendar(database.db, { type: 'calendar', clinicId, day });
		expect((calendar.appointments as { id: string; status: string }[]).filter((a) => a.status !== 'cancelled')).toEqual([]);

		// Nobody can be booked on a closed day, so the freed times are offered to no one.
		const [still] = await database.db.select().from(waitlistEntry).where(eq(waitlistEntry.id, entry.id));
		expect(still.status).toBe('waiting');

		// The patient is told, in their own language, that the clinic is closed that day.
		await database.db.update(patientTable).set({ preferredLanguage: 'ur' }).where(eq(patientTable.id, second.patientId));
		const notices = await Promise.all(
			[first, second].map(async (a) => {
				const [row] = await cancelEvents([a.id]);
				const parsed = parseOutboxEvent(row);
				const recipient = await findRecipient(database.db, a.patientId);
				if (!parsed.ok || !recipient) throw new Error('unreadable event');
				return composeNotice(database.db, parsed.event, row.createdAt, recipient);
			})
		);
		expect(notices[0]?.lines).toEqual([
			expect.stringContaining('has been cancelled'),
			expect.stringContaining('The clinic is closed that day.'),
			expect.stringMatching(/^Reference: /)
		]);
		expect(notices[1]?.lines[1]).toContain('اس دن کلینک بند ہے');
	});

	it('keep saves the closure and keeps the bookings, by explicit choice', async () => {
		const day = dayAhead(6);
		const kept = await book(day, '10:15');
		const result = await addClinicClosure(database.db, admin, { date: day, reason: 'Inspection', appointments: 'keep' });
		expect(result).toMatchObject({ day, cancelledAppointments: [], keptAppointments: [kept.id] });
		expect(await closedOn(day)).toBe(true);
		expect(await statusOf([kept.id])).toEqual({ [kept.id]: 'confirmed' });
		expect(await cancelEvents([kept.id])).toEqual([]);
	});

	it('saves a day without live bookings as before, with no choice needed', async () => {
		const day = dayAhead(7);
		const gone = await book(day, '10:00');
		await cancelAppointment(database.db, desk, gone.id, { reason: 'Moved away', idempotencyKey: rand(8) });
		const result = await addClinicClosure(database.db, admin, { date: day, reason: 'Training' });
		expect(result).toMatchObject({ day, reason: 'Training', cancelledAppointments: [], keptAppointments: [] });
		expect(await closedOn(day)).toBe(true);
	});

	it('refuses an unknown choice with a field error, and saves nothing', async () => {
		const day = dayAhead(8);
		const booked = await book(day, '10:00');
		for (const appointments of ['cancel', 'KEEP', 1]) {
			const error = await refusal(addClinicClosure(database.db, admin, { date: day, reason: 'x', appointments }));
			expect({ status: error.status, field: error.field, fields: error.fields.map((f) => [f.field, f.code]) }).toEqual({
				status: 400,
				field: 'appointments',
				fields: [['appointments', 'choice_invalid']]
			});
		}
		expect(await closedOn(day)).toBe(false);
		expect(await statusOf([booked.id])).toEqual({ [booked.id]: 'confirmed' });
	});

	it('lets only admins close the clinic (403 for the desk, doctors and the pharmacy), whatever the choice', async () => {
		const day = dayAhead(9);
		await book(day, '10:00');
		for (const ctx of [desk, doctorCtx, pharmacy]) {
			const error = await refusal(addClinicClosure(database.db, ctx, { date: day, reason: 'x', appointments: 'cancel_and_notify' }));
			expect(error.status).toBe(403);
		}
		expect(await closedOn(day)).toBe(false);
	});
});

describe('giving a doctor leave on days that have bookings', () => {
	it('lists only that doctor’s bookings on the new days off, and saves nothing without a choice', async () => {
		const day = dayAhead(10);
		const mine = await book(day, '10:00');
		const theirs = await book(day, '10:00', otherDoctorId);
		const error = await refusal(setAvailability(database.db, desk, doctorId, { weekly, exceptions: [{ date: day, off: true, reason: 'Family wedding' }] }));
		expect({ status: error.status, code: error.code }).toEqual({ status: 409, code: 'day_has_appointments' });
		expect(error.lists.appointments?.map((a) => a.id)).toEqual([mine.id]);
		const stillWorking = await projectClinicCalendar(database.db, { type: 'calendar', clinicId, day });
		expect((stillWorking.hours as { doctorId: string }[]).some((h) => h.doctorId === doctorId)).toBe(true);
		expect(await statusOf([mine.id, theirs.id])).toEqual({ [mine.id]: 'confirmed', [theirs.id]: 'confirmed' });
	});

	it('cancel_and_notify cancels them as doctor leave; days already on leave are not asked about again', async () => {
		const [one, two] = [dayAhead(11), dayAhead(12)];
		const first = await book(one, '09:00');
		const second = await book(two, '16:45');
		const exceptions = [
			{ date: one, off: true, reason: 'Conference' },
			{ date: two, off: true, reason: 'Conference' }
		];
		const result = await setAvailability(database.db, doctorCtx, doctorId, { weekly, exceptions, appointments: 'cancel_and_notify' });
		expect(result.cancelledAppointments).toEqual([first.id, second.id]);
		const rows = await database.db
			.select()
			.from(appointment)
			.where(inArray(appointment.id, [first.id, second.id]));
		expect(rows.map((r) => [r.status, r.cancelReason])).toEqual([
			['cancelled', 'doctor_leave'],
			['cancelled', 'doctor_leave']
		]);
		expect((await cancelEvents([first.id, second.id])).map((e) => e.payload)).toEqual(
			expect.arrayContaining([expect.objectContaining({ appointmentId: first.id, cause: 'doctor_leave', reason: 'Conference' })])
		);
		// The next save of the same schedule (say, new weekly hours) does not ask again.
		const again = await setAvailability(database.db, doctorCtx, doctorId, { weekly, exceptions });
		expect(again).toMatchObject({ cancelledAppointments: [], keptAppointments: [] });
	});

	it('keep keeps them; a day of changed hours (not leave) is not asked about', async () => {
		const [off, shorter] = [dayAhead(13), dayAhead(14)];
		const kept = await book(off, '12:00');
		await book(shorter, '12:00');
		const result = await setAvailability(database.db, desk, doctorId, {
			weekly,
			exceptions: [
				{ date: off, off: true, reason: '' },
				{ date: shorter, off: false, start: '09:00', end: '17:00' }
			],
			appointments: 'keep'
		});
		expect(result).toMatchObject({ cancelledAppointments: [], keptAppointments: [kept.id] });
		expect(await statusOf([kept.id])).toEqual({ [kept.id]: 'confirmed' });
	});

	it('refuses a bad choice with a field error, and people who may not set these hours with 403', async () => {
		const day = dayAhead(15);
		const booked = await book(day, '10:00');
		const body = { weekly, exceptions: [{ date: day, off: true, reason: '' }] };
		const bad = await refusal(setAvailability(database.db, desk, doctorId, { ...body, appointments: 'move' }));
		expect({ status: bad.status, fields: bad.fields.map((f) => [f.field, f.code]) }).toEqual({ status: 400, fields: [['appointments', 'choice_invalid']] });
		const otherDoctor: ClinicContext = { clinicId, actor: { userId: otherDoctorId, role: 'doctor' } };
		for (const ctx of [pharmacy, otherDoctor]) {
			expect((await refusal(setAvailability(database.db, ctx, doctorId, { ...body, appointments: 'cancel_and_notify' }))).status).toBe(403);
		}
		expect(await statusOf([booked.id])).toEqual({ [booked.id]: 'confirmed' });
	});
});

describe('a booking racing a closure of its day', () => {
	const stagger = (round: number) => new Promise((resolve) => setTimeout(resolve, (round % 4) * 4));

	/** However the two interleave, the day never ends closed with a live booking the closure did not account for. */
	async function race(round: number, choice: 'cancel_and_notify' | undefined) {
		const day = dayAhead(20 + round);
		const who = await newPatient();
		// Started together, or the closure a few milliseconds later, so the booking sometimes gets there first.
		const [booking, closure] = await Promise.allSettled([
			bookAppointment(database.db, desk, { patientId: who.id, doctorId, start: at(day, '10:00'), idempotencyKey: rand(8) }),
			stagger(round).then(() => addClinicClosure(database.db, admin, { date: day, reason: 'Storm', ...(choice ? { appointments: choice } : {}) }))
		]);
		const live = await database.db
			.select({ id: appointment.id })
			.from(appointment)
			.where(and(eq(appointment.clinicId, clinicId), eq(appointment.patientId, who.id), inArray(appointment.status, ['requested', 'confirmed'])));
		const closed = await closedOn(day);
		if (booking.status === 'rejected') {
			// Refused because the day closed first.
			expect(booking.reason).toMatchObject({ status: 400, code: 'outside_schedule' });
			expect({ closed, live }).toEqual({ closed: true, live: [] });
			return 'refused';
		}
		if (closure.status === 'rejected') {
			// The booking came first, and the closure listed it instead of saving.
			expect(closure.reason).toMatchObject({
				status: 409,
				code: 'day_has_appointments',
				lists: { appointments: [expect.objectContaining({ id: booking.value.id })] }
			});
			expect({ closed, live: live.length }).toEqual({ closed: false, live: 1 });
			return 'listed';
		}
		// Both went through: only possible when the closure saw the booking and cancelled it.
		expect(closure.value.cancelledAppointments).toEqual([booking.value.id]);
		expect({ closed, live }).toEqual({ closed: true, live: [] });
		return 'cancelled';
	}

	it('ends with the booking refused or listed, never a live booking on the closed day', async () => {
		const outcomes = [];
		for (let round = 0; round < 8; round++) outcomes.push(await race(round, undefined));
		expect(outcomes.every((o) => o === 'refused' || o === 'listed')).toBe(true);
	});

	it('ends with the booking refused or cancelled when the closure cancels what it finds', async () => {
		const outcomes = [];
		for (let round = 8; round < 16; round++) outcomes.push(await race(round, 'cancel_and_notify'));
		expect(outcomes.every((o) => o === 'refused' || o === 'cancelled')).toBe(true);
	});

	it('a booking racing the doctor’s leave of its day is refused or listed too', async () => {
		for (let round = 16; round < 22; round++) {
			const day = dayAhead(20 + round);
			const who = await newPatient();
			const [booking, leave] = await Promise.allSettled([
				bookAppointment(database.db, desk, { patientId: who.id, doctorId: otherDoctorId, start: at(day, '11:00'), idempotencyKey: rand(8) }),
				stagger(round).then(() => setAvailability(database.db, admin, otherDoctorId, { weekly, exceptions: [{ date: day, off: true, reason: 'Ill' }] }))
			]);
			const [row] = await database.db
				.select({ status: appointment.status })
				.from(appointment)
				.where(and(eq(appointment.clinicId, clinicId), eq(appointment.patientId, who.id)));
			if (booking.status === 'rejected') {
				expect(booking.reason).toMatchObject({ code: 'outside_schedule' });
				expect(leave.status).toBe('fulfilled');
			} else {
				expect(leave.status === 'rejected' && leave.reason).toMatchObject({ code: 'day_has_appointments' });
				expect(row.status).toBe('confirmed');
			}
		}
		// Leave the other doctor working every day for the rest of the file.
		await setAvailability(database.db, admin, otherDoctorId, { weekly, appointments: 'keep' });
	});
});
