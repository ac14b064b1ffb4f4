import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeMember, rand } from '../factories';
import { ctxOf, makePatient } from './queueScene';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { createAppointmentType, listAppointmentTypes, updateAppointmentType, usableAppointmentType } from '../../src/lib/server/scheduling/appointmentTypes';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { rescheduleAppointment } from '../../src/lib/server/scheduling/changeAppointment';
import { freeSlots } from '../../src/lib/server/scheduling/queries';
import { projectClinicCalendar } from '../../src/lib/server/scheduling/project';
import { appointment } from '../../src/lib/server/db/schema/scheduling';
import { clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

let database: Database;
let clinicId: string;
let admin: ClinicContext, desk: ClinicContext, doctor: ClinicContext, pharmacist: ClinicContext, otherAdmin: ClinicContext;
let doctorId: string;
const TZ = 'Asia/Karachi';
const started = Date.now();
const dayAhead = (days: number) => clinicToday(TZ, new Date(started + days * 86_400_000));
const at = (day: string, hhmm: string) => `${day}T${hhmm}:00+05:00`;
const hhmm = (d: Date | string) => new Date(d).toLocaleTimeString('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit' });
const newType = (ctx: ClinicContext, over: Record<string, unknown> = {}) =>
	createAppointmentType(database.db, ctx, { name: `Type ${rand(3)}`, minutes: 30, color: '#0E7490', ...over });

beforeAll(async () => {
	database = await testDatabase();
	const home = await makeClinic(database.db, { timezone: TZ });
	clinicId = home.id;
	const people = await Promise.all((['admin', 'reception', 'doctor', 'pharmacist'] as const).map((role) => makeMember(database.db, home.id, role)));
	[admin, desk, doctor, pharmacist] = people.map((p, i) => ctxOf(home.id, p.id, (['admin', 'reception', 'doctor', 'pharmacist'] as const)[i]));
	doctorId = doctor.actor.userId;
	const other = await makeClinic(database.db, { timezone: TZ });
	otherAdmin = ctxOf(other.id, (await makeMember(database.db, other.id, 'admin')).id, 'admin');
	const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
		weekday,
		start: '09:00',
		end: '17:00',
		slotMinutes: 15,
		breaks: [{ start: '13:00', end: '14:00' }]
	}));
	await setAvailability(database.db, desk, doctorId, { weekly });
});

describe('appointment types', () => {
	it('lets an admin add one, trimmed and with its colour in lower case, and every staff member list it', async () => {
		const name = `New visit ${rand(3)}`;
		const made = await createAppointmentType(database.db, admin, { name: `  ${name} `, minutes: '45', color: '#0E7490' });
		expect(made).toMatchObject({ name, minutes: 45, color: '#0e7490', archived: false });
		for (const who of [admin, desk, doctor, pharmacist]) {
			expect(await listAppointmentTypes(database.db, who)).toContainEqual(made);
		}
		expect(await listAppointmentTypes(database.db, otherAdmin)).not.toContainEqual(expect.objectContaining({ id: made.id }));
	});

	it('names every bad field at once and stores nothing', async () => {
		const before = await listAppointmentTypes(database.db, admin);
		await expect(createAppointmentType(database.db, admin, { name: '', minutes: 7, color: 'teal' })).rejects.toMatchObject({
			status: 400,
			fields: [
				{ field: 'name', code: 'field_required' },
				{ field: 'minutes', code: 'type_minutes_invalid' },
				{ field: 'color', code: 'color_invalid' }
			]
		});
		const minutes: unknown[] = [0, 3, 485, 12.5, 42, '45 min', true, null];
		for (const bad of minutes) {
			await expect(newType(admin, { minutes: bad }), String(bad)).rejects.toMatchObject({ fields: [{ field: 'minutes', code: 'type_minutes_invalid' }] });
		}
		for (const color of ['#0e749', '0e7490', '#0e7490ff', 'rgb(1,2,3)', '#gggggg']) {
			await expect(newType(admin, { color })).rejects.toMatchObject({ fields: [{ field: 'color', code: 'color_invalid' }] });
		}
		await expect(newType(admin, { name: 'x'.repeat(61) })).rejects.toMatchObject({ fields: [{ field: 'name', code: 'field_too_long' }] });
		await expect(createAppointmentType(database.db, admin, {})).rejects.toMatchObject({
			fields: [
				{ field: 'name', code: 'field_required' },
				{ field: 'minutes', code: 'field_required' },
				{ field: 'color', code: 'field_required' }
			]
		});
		expect(await listAppointmentTypes(database.db, admin)).toEqual(before);
		// The edges of what is allowed.
		expect((await newType(admin, { minutes: 5 })).minutes).toBe(5);
		expect((await newType(admin, { minutes: 480 })).minutes).toBe(480);
	});

	it('refuses a second type of the same name in one clinic, whatever its case, but not in another clinic', async () => {
		const name = `Procedure ${rand(3)}`;
		const first = await newType(admin, { name });
		await expect(newType(admin, { name: name.toUpperCase() })).rejects.toMatchObject({ status: 409, code: 'appointment_type_name_taken', field: 'name' });
		const second = await newType(admin);
		await expect(updateAppointmentType(database.db, admin, second.id, { name: name.toLowerCase() })).rejects.toMatchObject({
			status: 409,
			code: 'appointment_type_name_taken'
		});
		expect((await newType(otherAdmin, { name })).name).toBe(name);
		expect((await updateAppointmentType(database.db, admin, first.id, { name: name.toUpperCase() })).name).toBe(name.toUpperCase());
	});

	it('lets only an admin add or change one (403 for the desk, doctors and pharmacists)', async () => {
		const type = await newType(admin);
		for (const who of [desk, doctor, pharmacist]) {
			await expect(newType(who)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
			await expect(updateAppointmentType(database.db, who, type.id, { archived: true })).rejects.toMatchObject({ status: 403 });
		}
		expect((await listAppointmentTypes(database.db, admin)).find((t) => t.id === type.id)?.archived).toBe(false);
	});

	it('never lets a clinic change or use another clinic’s type (404)', async () => {
		const theirs = await newType(otherAdmin);
		await expect(updateAppointmentType(database.db, admin, theirs.id, { name: 'Mine now' })).rejects.toMatchObject({ status: 404 });
		await expect(updateAppointmentType(database.db, admin, 'not-an-id', { name: 'Mine now' })).rejects.toMatchObject({ status: 404 });
		await expect(usableAppointmentType(database.db, clinicId, theirs.id)).rejects.toMatchObject({ status: 404, field: 'typeId' });
		const patient = await makePatient(database.db, clinicId);
		await expect(
			bookAppointment(database.db, desk, { patientId: patient.id, doctorId, start: at(dayAhead(3), '09:00'), typeId: theirs.id, idempotencyKey: rand(8) })
		).rejects.toMatchObject({ status: 404, field: 'typeId' });
	});

	it('archives a type (no longer bookable, kept on its appointments) and brings it back', async () => {
		const type = await newType(admin, { minutes: 30 });
		const patient = await makePatient(database.db, clinicId);
		const booked = await bookAppointment(database.db, desk, {
			patientId: patient.id,
			doctorId,
			start: at(dayAhead(4), '09:00'),
			typeId: type.id,
			idempotencyKey: rand(8)
		});
		const archived = await updateAppointmentType(database.db, admin, type.id, { archived: true });
		expect(archived.archived).toBe(true);
		const list = await listAppointmentTypes(database.db, admin);
		expect(list.findIndex((t) => t.id === type.id)).toBeGreaterThan(list.findIndex((t) => !t.archived));
		await expect(
			bookAppointment(database.db, desk, { patientId: patient.id, doctorId, start: at(dayAhead(4), '10:00'), typeId: type.id, idempotencyKey: rand(8) })
		).rejects.toMatchObject({ status: 400, code: 'appointment_type_archived', field: 'typeId' });
		const [row] = await database.db.select().from(appointment).where(eq(appointment.id, booked.id));
		expect(row.typeId).toBe(type.id);
		expect((await updateAppointmentType(database.db, admin, type.id, { archived: false })).archived).toBe(false);
		await expect(updateAppointmentType(database.db, admin, type.id, {})).rejects.toMatchObject({ status: 400 });
	});
});

describe('booking with a type', () => {
	it('offers slots of the type’s length on the doctor’s grid, clear of the break and of other bookings', async () => {
		const day = dayAhead(5);
		const type = await newType(admin, { minutes: 45 });
		const patient = await makePatient(database.db, clinicId);
		await bookAppointment(database.db, desk, { patientId: patient.id, doctorId, start: at(day, '10:30'), idempotencyKey: rand(8) });
		const slots = await freeSlots(database.db, clinicId, TZ, doctorId, day, new Date(), type.minutes);
		expect(slots.every((s) => s.end.getTime() - s.start.getTime() === 45 * 60_000)).toBe(true);
		const starts = slots.map((s) => hhmm(s.start));
		expect(starts.slice(0, 3)).toEqual(['09:00', '09:15', '09:30']);
		// 09:45–10:30 ends as the 10:30 booking starts; 10:00 and 10:15 would run into it.
		expect(starts).toContain('09:45');
		expect(starts).not.toContain('10:00');
		expect(starts).not.toContain('10:15');
		expect(starts).toContain('10:45');
		// Nothing runs into the lunch break (13:00–14:00) or past the end of the day.
		expect(starts).toContain('12:15');
		expect(starts).not.toContain('12:30');
		expect(starts.at(-1)).toBe('16:15');
	});

	it('books the type’s length, stores the type and shows it (name and colour) on the live calendar', async () => {
		const day = dayAhead(6);
		const type = await newType(admin, { minutes: 60, color: '#B42318' });
		const patient = await makePatient(database.db, clinicId);
		const booked = await bookAppointment(database.db, desk, {
			patientId: patient.id,
			doctorId,
			start: at(day, '11:00'),
			typeId: type.id,
			idempotencyKey: rand(8)
		});
		expect(new Date(booked.end).getTime() - new Date(booked.start).getTime()).toBe(60 * 60_000);
		const [row] = await database.db.select().from(appointment).where(eq(appointment.id, booked.id));
		expect(row).toMatchObject({ typeId: type.id, seriesId: null });
		const calendar = await projectClinicCalendar(database.db, { type: 'calendar', clinicId, day });
		expect(calendar.appointments).toContainEqual(expect.objectContaining({ id: booked.id, type: { id: type.id, name: type.name, color: '#b42318' } }));
		// The hour is the type's: the 11:15 slot of the doctor's schedule is taken by it.
		expect((await freeSlots(database.db, clinicId, TZ, doctorId, day)).map((s) => hhmm(s.start))).not.toContain('11:45');
		// A renamed, recoloured type shows so at once.
		await updateAppointmentType(database.db, admin, type.id, { color: '#1D4ED8', name: `${type.name} (long)` });
		const again = await projectClinicCalendar(database.db, { type: 'calendar', clinicId, day });
		expect(again.appointments).toContainEqual(expect.objectContaining({ id: booked.id, type: { id: type.id, name: `${type.name} (long)`, color: '#1d4ed8' } }));
	});

	it('refuses a typed booking that would run into the break, and one without a type shows none', async () => {
		const day = dayAhead(7);
		const type = await newType(admin, { minutes: 45 });
		const patient = await makePatient(database.db, clinicId);
		await expect(
			bookAppointment(database.db, desk, { patientId: patient.id, doctorId, start: at(day, '12:30'), typeId: type.id, idempotencyKey: rand(8) })
		).rejects.toMatchObject({ code: 'outside_schedule' });
		const plain = await bookAppointment(database.db, desk, { patientId: patient.id, doctorId, start: at(day, '12:30'), typeId: null, idempotencyKey: rand(8) });
		expect(new Date(plain.end).getTime() - new Date(plain.start).getTime()).toBe(15 * 60_000);
		const calendar = await projectClinicCalendar(database.db, { type: 'calendar', clinicId, day });
		expect(calendar.appointments).toContainEqual(expect.objectContaining({ id: plain.id, type: null }));
	});

	it('keeps the type’s length when the appointment is moved', async () => {
		const day = dayAhead(8);
		const type = await newType(admin, { minutes: 30 });
		const patient = await makePatient(database.db, clinicId);
		const booked = await bookAppointment(database.db, desk, {
			patientId: patient.id,
			doctorId,
			start: at(day, '09:00'),
			typeId: type.id,
			idempotencyKey: rand(8)
		});
		const moved = await rescheduleAppointment(database.db, desk, booked.id, { start: at(day, '15:15'), idempotencyKey: rand(8) });
		expect([hhmm(moved.start), hhmm(moved.end)]).toEqual(['15:15', '15:45']);
	});
});
