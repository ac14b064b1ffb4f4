import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeMember, rand } from '../factories';
import { ctxOf, makePatient } from './queueScene';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { createAppointmentType } from '../../src/lib/server/scheduling/appointmentTypes';
import { bookAppointmentOrSeries, type BookedSeries } from '../../src/lib/server/scheduling/bookSeries';
import { bookAppointment, type BookedAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { appointment, clinicClosure, ACTIVE_APPOINTMENT_STATUSES } from '../../src/lib/server/db/schema/scheduling';
import { auditLog, outboxEvent } from '../../src/lib/server/db/schema';
import { clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

let database: Database;
let clinicId: string;
let admin: ClinicContext, desk: ClinicContext, pharmacist: ClinicContext;
let doctorId: string;
const TZ = 'Asia/Karachi';
const started = Date.now();
const dayAhead = (days: number) => clinicToday(TZ, new Date(started + days * 86_400_000));
const at = (day: string, hhmm: string) => `${day}T${hhmm}:00+05:00`;
const LEAVE = 15;
const CLOSED = 22;
const SHORT_DAY = 36;

/** A series as the API answers it, or the single booking (which has no `appointments`). */
function asSeries(result: BookedAppointment | BookedSeries): BookedSeries {
	if (!('appointments' in result)) throw new Error('expected a series');
	return result;
}

const newPatient = async () => (await makePatient(database.db, clinicId)).id;

/** The doctor's active appointments starting at these instants. */
async function activeAt(starts: string[]) {
	return database.db
		.select()
		.from(appointment)
		.where(
			and(
				eq(appointment.doctorId, doctorId),
				inArray(
					appointment.startsAt,
					starts.map((s) => new Date(s))
				),
				inArray(appointment.status, [...ACTIVE_APPOINTMENT_STATUSES])
			)
		);
}

beforeAll(async () => {
	database = await testDatabase();
	const home = await makeClinic(database.db, { timezone: TZ });
	clinicId = home.id;
	admin = ctxOf(home.id, (await makeMember(database.db, home.id, 'admin')).id, 'admin');
	desk = ctxOf(home.id, (await makeMember(database.db, home.id, 'reception')).id, 'reception');
	pharmacist = ctxOf(home.id, (await makeMember(database.db, home.id, 'pharmacist')).id, 'pharmacist');
	doctorId = (await makeMember(database.db, home.id, 'doctor')).id;
	const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
		weekday,
		start: '09:00',
		end: '17:00',
		slotMinutes: 15,
		breaks: [{ start: '13:00', end: '14:00' }]
	}));
	await setAvailability(database.db, desk, doctorId, {
		weekly,
		exceptions: [
			{ date: dayAhead(LEAVE), off: true, reason: 'Leave' },
			{ date: dayAhead(SHORT_DAY), start: '09:00', end: '10:00' }
		]
	});
	await database.db.insert(clinicClosure).values({ clinicId, day: dayAhead(CLOSED), reason: 'Eid' });
});

describe('recurring appointments', () => {
	it('books every occurrence as a normal booking of its type, sharing one series id', async () => {
		const type = await createAppointmentType(database.db, admin, { name: `Physio ${rand(3)}`, minutes: 30, color: '#6941c6' });
		const patientId = await newPatient();
		const series = asSeries(
			await bookAppointmentOrSeries(database.db, desk, {
				patientId,
				doctorId,
				start: at(dayAhead(30), '10:00'),
				typeId: type.id,
				reason: 'Knee',
				repeat: { everyDays: 7, count: 3 },
				idempotencyKey: rand(8)
			})
		);
		expect(series.skipped).toEqual([]);
		expect(series.appointments.map((a) => a.start)).toEqual([30, 37, 44].map((d) => new Date(at(dayAhead(d), '10:00')).toISOString()));
		expect(series.appointments.map((a) => a.end)).toEqual([30, 37, 44].map((d) => new Date(at(dayAhead(d), '10:30')).toISOString()));
		expect(new Set(series.appointments.map((a) => a.ref)).size).toBe(3);
		const rows = await database.db.select().from(appointment).where(eq(appointment.seriesId, series.seriesId));
		expect(rows).toHaveLength(3);
		expect(rows.every((r) => r.typeId === type.id && r.patientId === patientId && r.reason === 'Knee' && r.status === 'confirmed')).toBe(true);
		// Each one has its audit row and its outbox event, as a single booking does.
		const ids = rows.map((r) => r.id);
		expect(await database.db.select().from(auditLog).where(inArray(auditLog.entityId, ids))).toHaveLength(3);
		const events = await database.db.select().from(outboxEvent).where(eq(outboxEvent.clinicId, clinicId));
		expect(events.filter((e) => e.type === 'appointment.booked' && ids.includes(String((e.payload as { appointmentId: string }).appointmentId)))).toHaveLength(
			3
		);
	});

	it('answers a booking without repeat exactly as a single booking', async () => {
		const body = { patientId: await newPatient(), doctorId, start: at(dayAhead(31), '09:00'), idempotencyKey: rand(8) };
		const single = await bookAppointmentOrSeries(database.db, desk, body);
		expect('appointments' in single).toBe(false);
		expect(Object.keys(single).sort()).toEqual(Object.keys(await bookAppointment(database.db, desk, body)).sort());
	});

	it('refuses the whole series with every clashing date and why, booking nothing', async () => {
		const other = await bookAppointment(database.db, desk, {
			patientId: await newPatient(),
			doctorId,
			start: at(dayAhead(29), '11:00'),
			idempotencyKey: rand(8)
		});
		const patientId = await newPatient();
		const request = { patientId, doctorId, start: at(dayAhead(8), '11:00'), repeat: { everyDays: 7, count: 5 }, idempotencyKey: rand(8) };
		await expect(bookAppointmentOrSeries(database.db, desk, request)).rejects.toMatchObject({
			status: 409,
			code: 'series_clashes',
			clashes: [
				{ date: dayAhead(LEAVE), start: new Date(at(dayAhead(LEAVE), '11:00')).toISOString(), reason: 'doctor_off' },
				{ date: dayAhead(CLOSED), start: new Date(at(dayAhead(CLOSED), '11:00')).toISOString(), reason: 'clinic_closed' },
				{ date: dayAhead(29), start: new Date(at(dayAhead(29), '11:00')).toISOString(), reason: 'slot_taken' },
				{ date: dayAhead(SHORT_DAY), start: new Date(at(dayAhead(SHORT_DAY), '11:00')).toISOString(), reason: 'outside_schedule' }
			]
		});
		expect(await database.db.select().from(appointment).where(eq(appointment.patientId, patientId))).toEqual([]);
		expect((await activeAt([at(dayAhead(29), '11:00')])).map((r) => r.id)).toEqual([other.id]);

		// Booking the others: only the free date, and the skipped ones listed. The same key answers the same.
		const skipping = { ...request, skipClashes: true, idempotencyKey: rand(8) };
		const series = asSeries(await bookAppointmentOrSeries(database.db, desk, skipping));
		expect(series.appointments.map((a) => a.start)).toEqual([new Date(at(dayAhead(8), '11:00')).toISOString()]);
		expect(series.skipped.map((s) => [s.date, s.reason])).toEqual([
			[dayAhead(LEAVE), 'doctor_off'],
			[dayAhead(CLOSED), 'clinic_closed'],
			[dayAhead(29), 'slot_taken'],
			[dayAhead(SHORT_DAY), 'outside_schedule']
		]);
		expect(await bookAppointmentOrSeries(database.db, desk, skipping)).toEqual(series);
		expect(await database.db.select().from(appointment).where(eq(appointment.patientId, patientId))).toHaveLength(1);
	});

	it('refuses even with skipClashes when no date is free', async () => {
		const request = { patientId: await newPatient(), doctorId, start: at(dayAhead(LEAVE), '09:00'), skipClashes: true, idempotencyKey: rand(8) };
		await expect(bookAppointmentOrSeries(database.db, desk, { ...request, repeat: { everyDays: 7, count: 2 } })).rejects.toMatchObject({
			code: 'series_clashes',
			clashes: [
				{ date: dayAhead(LEAVE), reason: 'doctor_off' },
				{ date: dayAhead(CLOSED), reason: 'clinic_closed' }
			]
		});
	});

	it('names every bad part of the repeat at once, and lets only those who book make a series', async () => {
		const base = { patientId: await newPatient(), doctorId, start: at(dayAhead(40), '09:00'), idempotencyKey: rand(8) };
		await expect(bookAppointmentOrSeries(database.db, desk, { ...base, repeat: { everyDays: 0, count: 27 } })).rejects.toMatchObject({
			status: 400,
			fields: [
				{ field: 'repeat.everyDays', code: 'field_too_small' },
				{ field: 'repeat.count', code: 'field_too_large' }
			]
		});
		await expect(bookAppointmentOrSeries(database.db, desk, { ...base, repeat: { everyDays: 29, count: 1 } })).rejects.toMatchObject({
			fields: [
				{ field: 'repeat.everyDays', code: 'field_too_large' },
				{ field: 'repeat.count', code: 'field_too_small' }
			]
		});
		await expect(bookAppointmentOrSeries(database.db, desk, { ...base, repeat: { everyDays: 'weekly', count: 2.5 } })).rejects.toMatchObject({
			fields: [{ field: 'repeat.everyDays' }, { field: 'repeat.count' }]
		});
		await expect(bookAppointmentOrSeries(database.db, pharmacist, { ...base, repeat: { everyDays: 7, count: 2 } })).rejects.toMatchObject({ status: 403 });
		await expect(bookAppointmentOrSeries(database.db, desk, { ...base, idempotencyKey: undefined, repeat: { everyDays: 7, count: 2 } })).rejects.toMatchObject({
			code: 'idempotency_key_required'
		});
		expect(await database.db.select().from(appointment).where(eq(appointment.patientId, base.patientId))).toEqual([]);
	});

	it('lets exactly one of two series racing for the same times book them; the other is told every date', async () => {
		const starts = [50, 57, 64].map((d) => at(dayAhead(d), '14:00'));
		const book = (patientId: string) =>
			bookAppointmentOrSeries(database.db, desk, { patientId, doctorId, start: starts[0], repeat: { everyDays: 7, count: 3 }, idempotencyKey: rand(8) });
		const [p1, p2] = [await newPatient(), await newPatient()];
		const outcomes = await Promise.allSettled([book(p1), book(p2)]);
		const won = outcomes.filter((o) => o.status === 'fulfilled');
		const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
		expect(won).toHaveLength(1);
		expect(lost).toHaveLength(1);
		expect(lost[0].reason).toMatchObject({ code: 'series_clashes', clashes: [50, 57, 64].map((d) => ({ date: dayAhead(d), reason: 'slot_taken' })) });
		const rows = await activeAt(starts);
		expect(rows).toHaveLength(3);
		expect(new Set(rows.map((r) => r.seriesId)).size).toBe(1);
	});

	it('books each time once when two series that skip clashes race over some of the same times', async () => {
		const days = [71, 78, 85, 92];
		const series = async (from: number, patientId: string) =>
			asSeries(
				await bookAppointmentOrSeries(database.db, desk, {
					patientId,
					doctorId,
					start: at(dayAhead(from), '15:00'),
					repeat: { everyDays: 7, count: 3 },
					skipClashes: true,
					idempotencyKey: rand(8)
				})
			);
		const [p1, p2] = [await newPatient(), await newPatient()];
		const [a, b] = await Promise.all([series(71, p1), series(78, p2)]);
		const booked = [...a.appointments, ...b.appointments].map((x) => x.start).sort();
		expect(booked).toEqual(days.map((d) => new Date(at(dayAhead(d), '15:00')).toISOString()));
		// Whoever came second skipped the two times the first took.
		expect([a.skipped.length, b.skipped.length].sort()).toEqual([0, 2]);
		expect(await activeAt(days.map((d) => at(dayAhead(d), '15:00')))).toHaveLength(4);
	});
});
