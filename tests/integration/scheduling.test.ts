import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeMember, rand } from '../factories';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { mergePatients } from '../../src/lib/server/patients/mergePatients';
import { setAvailability, addClinicClosure } from '../../src/lib/server/scheduling/setAvailability';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { cancelAppointment, decideAppointment, markNoShow, rescheduleAppointment } from '../../src/lib/server/scheduling/changeAppointment';
import { clinicAppointments, clinicClosures } from '../../src/lib/server/scheduling/queries';
import { clinicWaitlist, joinWaitlist } from '../../src/lib/server/scheduling/waitlist';
import { freeSlots } from '../../src/lib/server/scheduling/queries';
import { appointmentIcs } from '../../src/lib/server/scheduling/ics';
import { clinic as clinicTable, outboxEvent } from '../../src/lib/server/db/schema';
import { clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

let database: Database;
let desk: ClinicContext;
let otherDesk: ClinicContext;
let doctorId: string;
let clinicId: string;
const TZ = 'Asia/Karachi';

/** A clinic-local date `days` ahead of when the file started, so a run across the clinic's midnight still names the same days throughout. */
const started = Date.now();
const dayAhead = (days: number) => clinicToday(TZ, new Date(started + days * 86_400_000));
const at = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+05:00`);

async function patientId(ctx = desk) {
	const result = await registerPatient(database.db, ctx, { name: `Patient ${rand(3)}` }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('not created');
	return result.patient.id;
}

const everyDay = (start = '09:00', end = '17:00') =>
	[1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start, end, slotMinutes: 15, breaks: [{ start: '13:00', end: '14:00' }] }));

beforeAll(async () => {
	database = await testDatabase();
	const clinic = await makeClinic(database.db, { timezone: TZ });
	clinicId = clinic.id;
	const receptionist = await makeMember(database.db, clinic.id, 'reception');
	const doctor = await makeMember(database.db, clinic.id, 'doctor');
	doctorId = doctor.id;
	desk = { clinicId, actor: { userId: receptionist.id, role: 'reception' } };
	const other = await makeClinic(database.db);
	const otherReceptionist = await makeMember(database.db, other.id, 'reception');
	otherDesk = { clinicId: other.id, actor: { userId: otherReceptionist.id, role: 'reception' } };
	await setAvailability(database.db, desk, doctorId, { weekly: everyDay(), exceptions: [{ date: dayAhead(9), off: true, reason: 'leave' }] });
});

describe('availability', () => {
	it('computes free slots from the template, leave and closures', async () => {
		const slots = await freeSlots(database.db, clinicId, TZ, doctorId, dayAhead(3));
		expect(slots).toHaveLength(28);
		expect(slots[0].start).toEqual(at(dayAhead(3), '09:00'));
		expect(await freeSlots(database.db, clinicId, TZ, doctorId, dayAhead(9))).toEqual([]);
		const admin = await makeMember(database.db, clinicId, 'admin');
		await addClinicClosure(database.db, { clinicId, actor: { userId: admin.id, role: 'admin' } }, { date: dayAhead(10), reason: 'Eid' });
		expect(await freeSlots(database.db, clinicId, TZ, doctorId, dayAhead(10))).toEqual([]);
	});

	it('refuses a holiday before the clinic’s today, naming the date, and stores nothing; today itself is taken', async () => {
		const admin = await makeMember(database.db, clinicId, 'admin');
		const ctx: ClinicContext = { clinicId, actor: { userId: admin.id, role: 'admin' } };
		const yesterday = dayAhead(-1);
		await expect(addClinicClosure(database.db, ctx, { date: yesterday, reason: 'Gone' })).rejects.toMatchObject({
			status: 400,
			field: 'date',
			fields: [{ field: 'date', code: 'closure_in_past', params: {} }]
		});
		expect(await clinicClosures(database.db, clinicId, yesterday)).not.toContainEqual(expect.objectContaining({ date: yesterday }));
		const today = await addClinicClosure(database.db, ctx, { date: dayAhead(0), reason: 'Closed today' });
		expect(today.day).toBe(dayAhead(0));
	});

	it('refuses overlapping shifts, bad times and a slot length not offered', async () => {
		const bad = [
			{
				weekly: [
					{ weekday: 1, start: '09:00', end: '12:00', slotMinutes: 15 },
					{ weekday: 1, start: '11:00', end: '14:00', slotMinutes: 15 }
				]
			},
			{ weekly: [{ weekday: 8, start: '09:00', end: '12:00', slotMinutes: 15 }] },
			{ weekly: [{ weekday: 1, start: '12:00', end: '09:00', slotMinutes: 15 }] },
			{ weekly: [{ weekday: 1, start: '09:00', end: '12:00', slotMinutes: 25 }] },
			{ weekly: [{ weekday: 1, start: '9am', end: '12:00', slotMinutes: 15 }] }
		];
		for (const body of bad) await expect(setAvailability(database.db, desk, doctorId, body)).rejects.toMatchObject({ status: 400 });
		await expect(setAvailability(database.db, otherDesk, doctorId, { weekly: [] })).rejects.toMatchObject({ status: 404 });
	});
});

describe('booking', () => {
	it('books a free slot with a reference and frees it from the slot list', async () => {
		const day = dayAhead(4);
		const booked = await bookAppointment(database.db, desk, {
			patientId: await patientId(),
			doctorId,
			start: `${day}T10:00:00+05:00`,
			idempotencyKey: rand(8)
		});
		expect(booked.ref).toMatch(/-A\d+$/);
		expect(booked.status).toBe('confirmed');
		expect(new Date(booked.end).getTime() - new Date(booked.start).getTime()).toBe(15 * 60_000);
		const slots = await freeSlots(database.db, clinicId, TZ, doctorId, day);
		expect(slots.map((s) => s.start.getTime())).not.toContain(at(day, '10:00').getTime());
	});

	it('lets exactly one of many concurrent bookings of one slot succeed', async () => {
		const start = `${dayAhead(5)}T11:00:00+05:00`;
		const patients = await Promise.all(Array.from({ length: 12 }, () => patientId()));
		const outcomes = await Promise.allSettled(
			patients.map((p) => bookAppointment(database.db, desk, { patientId: p, doctorId, start, idempotencyKey: rand(8) }))
		);
		const ok = outcomes.filter((o) => o.status === 'fulfilled');
		const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
		expect(ok).toHaveLength(1);
		expect(refused.map((r) => r.reason.code)).toEqual(Array(11).fill('slot_taken'));
	});

	it('returns the first booking to a retried request instead of booking twice', async () => {
		const key = rand(8);
		const body = { patientId: await patientId(), doctorId, start: `${dayAhead(5)}T12:00:00+05:00`, idempotencyKey: key };
		const [a, b] = await Promise.all([bookAppointment(database.db, desk, body), bookAppointment(database.db, desk, body)]);
		expect(b.id).toBe(a.id);
		const again = await bookAppointment(database.db, desk, body);
		expect(again.id).toBe(a.id);
	});

	it('refuses times outside the schedule, in the past, and other clinics’ patients', async () => {
		const p = await patientId();
		const cases: [Record<string, unknown>, string][] = [
			[{ start: `${dayAhead(4)}T10:05:00+05:00` }, 'outside_schedule'],
			[{ start: `${dayAhead(4)}T13:15:00+05:00` }, 'outside_schedule'],
			[{ start: `${dayAhead(9)}T10:00:00+05:00` }, 'outside_schedule'],
			[{ start: `${dayAhead(-2)}T10:00:00+05:00` }, 'in_the_past'],
			[{ start: 'tomorrow at ten' }, 'field_invalid'],
			[{ start: `${dayAhead(4)}T10:00:00` }, 'field_invalid'],
			[{ patientId: await patientId(otherDesk), start: `${dayAhead(4)}T15:00:00+05:00` }, 'field_invalid']
		];
		for (const [override, code] of cases) {
			await expect(bookAppointment(database.db, desk, { patientId: p, doctorId, idempotencyKey: rand(8), ...override })).rejects.toMatchObject({ code });
		}
	});

	it('asks the doctor to confirm when the clinic does not auto-confirm, and only their own', async () => {
		const clinic2 = await makeClinic(database.db, { timezone: TZ, autoConfirmStaffBookings: false });
		const reception = await makeMember(database.db, clinic2.id, 'reception');
		const doc = await makeMember(database.db, clinic2.id, 'doctor');
		const otherDoc = await makeMember(database.db, clinic2.id, 'doctor');
		const ctx: ClinicContext = { clinicId: clinic2.id, actor: { userId: reception.id, role: 'reception' } };
		await setAvailability(database.db, ctx, doc.id, { weekly: everyDay() });
		const booked = await bookAppointment(database.db, ctx, {
			patientId: await patientId(ctx),
			doctorId: doc.id,
			start: `${dayAhead(3)}T09:00:00+05:00`,
			idempotencyKey: rand(8)
		});
		expect(booked.status).toBe('requested');
		await expect(
			decideAppointment(database.db, { clinicId: clinic2.id, actor: { userId: otherDoc.id, role: 'doctor' } }, booked.id, 'confirm')
		).rejects.toMatchObject({ status: 403 });
		const confirmed = await decideAppointment(database.db, { clinicId: clinic2.id, actor: { userId: doc.id, role: 'doctor' } }, booked.id, 'confirm');
		expect(confirmed.status).toBe('confirmed');
		await expect(decideAppointment(database.db, ctx, booked.id, 'decline')).rejects.toMatchObject({ code: 'invalid_transition' });
	});
});

describe('changes', () => {
	it('reschedules into a free slot and refuses a taken one with slot_taken', async () => {
		const day = dayAhead(6);
		const a = await bookAppointment(database.db, desk, { patientId: await patientId(), doctorId, start: `${day}T09:00:00+05:00`, idempotencyKey: rand(8) });
		await bookAppointment(database.db, desk, { patientId: await patientId(), doctorId, start: `${day}T09:15:00+05:00`, idempotencyKey: rand(8) });
		await expect(rescheduleAppointment(database.db, desk, a.id, { start: `${day}T09:15:00+05:00`, idempotencyKey: crypto.randomUUID() })).rejects.toMatchObject(
			{ code: 'slot_taken' }
		);
		const moved = await rescheduleAppointment(database.db, desk, a.id, { start: `${day}T09:30:00+05:00`, idempotencyKey: crypto.randomUUID() });
		expect(moved.start).toBe(at(day, '09:30').toISOString());
		await expect(
			rescheduleAppointment(database.db, otherDesk, a.id, { start: `${day}T09:45:00+05:00`, idempotencyKey: crypto.randomUUID() })
		).rejects.toMatchObject({ status: 404 });
	});

	it('lets only the people who book read the waiting list and the calendar’s rows (the pharmacy sees the calendar, not the list)', async () => {
		const pharmacy = { clinicId, actor: { userId: desk.actor.userId, role: 'pharmacist' as const } };
		await expect(clinicWaitlist(database.db, pharmacy)).rejects.toMatchObject({ code: 'forbidden', status: 403 });
		await expect(clinicWaitlist(database.db, { clinicId, actor: { userId: desk.actor.userId, role: null } })).rejects.toMatchObject({ code: 'forbidden' });
		expect(Array.isArray(await clinicWaitlist(database.db, desk))).toBe(true);
		const now = new Date();
		await expect(clinicAppointments(database.db, { clinicId, actor: { userId: desk.actor.userId, role: null } }, now, now)).rejects.toMatchObject({
			code: 'forbidden'
		});
		expect(await clinicAppointments(database.db, pharmacy, now, now)).toEqual([]);
	});

	it('cancels with a reason and offers the freed slot to the first patient waiting', async () => {
		const day = dayAhead(7);
		const later = await bookAppointment(database.db, desk, {
			patientId: await patientId(),
			doctorId,
			start: `${dayAhead(8)}T16:00:00+05:00`,
			idempotencyKey: rand(8)
		});
		const first = await joinWaitlist(database.db, desk, { patientId: later.patientId, doctorId, currentAppointmentId: later.id });
		await joinWaitlist(database.db, desk, { patientId: await patientId(), doctorId });
		const a = await bookAppointment(database.db, desk, { patientId: await patientId(), doctorId, start: `${day}T10:00:00+05:00`, idempotencyKey: rand(8) });
		await expect(cancelAppointment(database.db, desk, a.id, { reason: '', idempotencyKey: crypto.randomUUID() })).rejects.toMatchObject({ field: 'reason' });
		const cancelled = await cancelAppointment(database.db, desk, a.id, { reason: 'Patient travelling', idempotencyKey: crypto.randomUUID() });
		expect(cancelled.status).toBe('cancelled');
		const waitlist = await clinicWaitlist(database.db, desk);
		const offered = waitlist.find((w) => w.id === first.id);
		expect(offered?.status).toBe('offered');
		expect(offered?.offeredStart).toEqual(at(day, '10:00'));
		const events = await database.db.select().from(outboxEvent).where(eq(outboxEvent.type, 'waitlist.offered'));
		expect(events.some((e) => e.payload.waitlistEntryId === first.id)).toBe(true);
		// The freed slot can be booked again.
		await bookAppointment(database.db, desk, { patientId: later.patientId, doctorId, start: `${day}T10:00:00+05:00`, idempotencyKey: rand(8) });
	});

	it('marks a no-show only once the appointment has begun', async () => {
		const a = await bookAppointment(database.db, desk, {
			patientId: await patientId(),
			doctorId,
			start: `${dayAhead(6)}T15:00:00+05:00`,
			idempotencyKey: rand(8)
		});
		await expect(markNoShow(database.db, desk, a.id)).rejects.toMatchObject({ code: 'too_early' });
	});

	it('moves appointments to the survivor when patients merge', async () => {
		const keep = await patientId();
		const dup = await patientId();
		await bookAppointment(database.db, desk, { patientId: dup, doctorId, start: `${dayAhead(6)}T16:00:00+05:00`, idempotencyKey: rand(8) });
		const merged = await mergePatients(database.db, desk, keep, { mergeId: dup });
		expect(merged.moved.appointment).toBe(1);
	});
});

describe('calendar file', () => {
	it('produces a valid iCalendar event in UTC', async () => {
		const [home] = await database.db.select().from(clinicTable).where(eq(clinicTable.id, clinicId));
		const ics = appointmentIcs({
			id: 'abc',
			ref: `${home.code}-A1001`,
			start: at(dayAhead(3), '09:00'),
			end: at(dayAhead(3), '09:15'),
			doctorName: 'Dr. Ayesha',
			clinicName: home.name,
			clinicAddress: 'Lahore',
			status: 'confirmed'
		});
		expect(ics).toMatch(/^BEGIN:VCALENDAR/);
		expect(ics).toContain('BEGIN:VEVENT');
		expect(ics).toMatch(/DTSTART:\d{8}T040000Z/);
		expect(ics).toContain('STATUS:CONFIRMED');
		expect(ics.trim().endsWith('END:VCALENDAR')).toBe(true);
	});
});
