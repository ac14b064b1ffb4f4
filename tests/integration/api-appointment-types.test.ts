import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember, rand } from '../factories';
import { makePatient } from './queueScene';
import { appointmentTypeView, appointmentTypesView } from '../../src/lib/server/openapi/appointmentTypes';
import { appointmentSeriesView, appointmentsView, slotsView } from '../../src/lib/server/openapi/scheduling';
import { availabilityTemplate, clinicClosure } from '../../src/lib/server/db/schema/scheduling';
import { clinicToday } from '../../src/lib/time';

const TZ = 'Asia/Karachi';
let app: App;
let code: string, otherCode: string;
let doctorId: string;
const patients: string[] = [];
let admin: ApiClient, desk: ApiClient, pharmacist: ApiClient, otherAdmin: ApiClient, deskInUrdu: ApiClient;
const started = Date.now();
const dayAhead = (days: number) => clinicToday(TZ, new Date(started + days * 86_400_000));
const at = (day: string, hhmm: string) => `${day}T${hhmm}:00+05:00`;
const base = (clinic = code) => `/api/v1/clinics/${clinic}`;
const key = () => `key-${rand(8)}`;

beforeAll(async () => {
	const people: Record<string, { email: string }> = {};
	app = await startApp({
		seed: async (db) => {
			const home = await makeClinic(db, { timezone: TZ });
			const other = await makeClinic(db, { timezone: TZ });
			code = home.code;
			otherCode = other.code;
			Object.assign(people, {
				admin: await makeMember(db, home.id, 'admin'),
				desk: await makeMember(db, home.id, 'reception'),
				pharmacist: await makeMember(db, home.id, 'pharmacist'),
				otherAdmin: await makeMember(db, other.id, 'admin')
			});
			doctorId = (await makeMember(db, home.id, 'doctor')).id;
			await db
				.insert(availabilityTemplate)
				.values([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ clinicId: home.id, doctorId, weekday, startTime: '09:00', endTime: '17:00', slotMinutes: 15 })));
			await db.insert(clinicClosure).values({ clinicId: home.id, day: dayAhead(17), reason: 'Eid' });
			for (let i = 0; i < 6; i++) patients.push((await makePatient(db, home.id)).id);
		}
	});
	[admin, desk, pharmacist, otherAdmin] = await Promise.all(['admin', 'desk', 'pharmacist', 'otherAdmin'].map((k) => signedIn(app, people[k].email, PASSWORD)));
	deskInUrdu = await signedIn(app, people.desk.email, PASSWORD, { 'accept-language': 'ur' });
});
afterAll(async () => {
	await app?.stop();
});

describe('appointment types over HTTP', () => {
	it('lets an admin add one (201) and every staff member list it; other clinics never see it', async () => {
		const res = await admin.post(`${base()}/appointment-types`, { name: 'New visit', minutes: 20, color: '#1D4ED8' });
		expect(res.status).toBe(201);
		const made = appointmentTypeView.parse(res.body);
		expect(made).toMatchObject({ name: 'New visit', minutes: 20, color: '#1d4ed8', archived: false });
		const listed = await pharmacist.get(`${base()}/appointment-types`);
		expect(listed.status).toBe(200);
		expect(appointmentTypesView.parse(listed.body).types).toContainEqual(made);
		expectError(await otherAdmin.get(`${base()}/appointment-types`), 404, 'not_found');
		expect(appointmentTypesView.parse((await otherAdmin.get(`${base(otherCode)}/appointment-types`)).body).types).toEqual([]);
	});

	it('names every bad field at once, refuses a duplicate name with 409 and a non-admin with 403', async () => {
		const bad = await admin.post(`${base()}/appointment-types`, { name: ' ', minutes: 12, color: 'blue' });
		expectError(bad, 400, 'field_required', 'name');
		expect(errorOf(bad).fields?.map((f) => [f.field, f.code])).toEqual([
			['name', 'field_required'],
			['minutes', 'type_minutes_invalid'],
			['color', 'color_invalid']
		]);
		await admin.post(`${base()}/appointment-types`, { name: 'Procedure', minutes: 60, color: '#b42318' });
		expectError(
			await admin.post(`${base()}/appointment-types`, { name: 'PROCEDURE', minutes: 30, color: '#b42318' }),
			409,
			'appointment_type_name_taken',
			'name'
		);
		expectError(await desk.post(`${base()}/appointment-types`, { name: 'Desk type', minutes: 30, color: '#b42318' }), 403, 'forbidden');
		const types = appointmentTypesView.parse((await desk.get(`${base()}/appointment-types`)).body).types;
		expect(types.map((t) => t.name)).not.toContain('Desk type');
		expectError(await desk.patch(`${base()}/appointment-types/${types[0].id}`, { archived: true }), 403, 'forbidden');
	});

	it('changes and archives a type, and answers 404 for another clinic’s type or a malformed id', async () => {
		const made = appointmentTypeView.parse(
			(await admin.post(`${base()}/appointment-types`, { name: `Review ${rand(2)}`, minutes: 15, color: '#027a48' })).body
		);
		const changed = await admin.patch(`${base()}/appointment-types/${made.id}`, { minutes: 25, color: '#FFFFFF' });
		expect(changed.status).toBe(200);
		expect(appointmentTypeView.parse(changed.body)).toMatchObject({ minutes: 25, color: '#ffffff' });
		expect(appointmentTypeView.parse((await admin.patch(`${base()}/appointment-types/${made.id}`, { archived: true })).body).archived).toBe(true);
		const theirs = appointmentTypeView.parse(
			(await otherAdmin.post(`${base(otherCode)}/appointment-types`, { name: 'Theirs', minutes: 30, color: '#000000' })).body
		);
		expectError(await admin.patch(`${base()}/appointment-types/${theirs.id}`, { name: 'Mine' }), 404, 'not_found');
		expectError(await admin.patch(`${base()}/appointment-types/not-a-uuid`, { name: 'Mine' }), 404, 'not_found');
		expectError(await desk.get(`${base()}/slots?doctor=${doctorId}&date=${dayAhead(2)}&typeId=${theirs.id}`), 404, 'not_found', 'typeId');
		// An archived type's slots are still listed (an appointment of it may be moved), but it books nothing new.
		const archivedSlots = slotsView.parse((await desk.get(`${base()}/slots?doctor=${doctorId}&date=${dayAhead(2)}&typeId=${made.id}`)).body).slots;
		expect(archivedSlots[0]).toEqual({ start: `${dayAhead(2)}T09:00:00+05:00`, end: `${dayAhead(2)}T09:25:00+05:00` });
		expectError(
			await desk.post(`${base()}/appointments`, { patientId: patients[0], doctorId, start: archivedSlots[0].start, typeId: made.id, idempotencyKey: key() }),
			400,
			'appointment_type_archived',
			'typeId'
		);
		expectError(
			await desk.post(`${base()}/appointments`, {
				patientId: patients[0],
				doctorId,
				start: at(dayAhead(2), '09:00'),
				typeId: theirs.id,
				idempotencyKey: key()
			}),
			404,
			'not_found',
			'typeId'
		);
	});
});

describe('booking with a type and repeating over HTTP', () => {
	it('offers slots of the type’s length and books it, answering a single booking in its usual shape', async () => {
		const type = appointmentTypeView.parse(
			(await admin.post(`${base()}/appointment-types`, { name: `Minor surgery ${rand(2)}`, minutes: 45, color: '#6941c6' })).body
		);
		const slots = slotsView.parse((await desk.get(`${base()}/slots?doctor=${doctorId}&date=${dayAhead(3)}&typeId=${type.id}`)).body).slots;
		expect(slots[0]).toEqual({ start: `${dayAhead(3)}T09:00:00+05:00`, end: `${dayAhead(3)}T09:45:00+05:00` });
		expect(slots[1].start).toBe(`${dayAhead(3)}T09:15:00+05:00`);
		expect(slots.at(-1)?.end).toBe(`${dayAhead(3)}T17:00:00+05:00`);
		const res = await desk.post(`${base()}/appointments`, { patientId: patients[0], doctorId, start: slots[0].start, typeId: type.id, idempotencyKey: key() });
		expect(res.status).toBe(201);
		expect(Object.keys(res.body as object).sort()).toEqual(['doctorId', 'end', 'id', 'patientId', 'reason', 'ref', 'refNo', 'start', 'status']);
		const listed = appointmentsView.parse((await pharmacist.get(`${base()}/appointments?date=${dayAhead(3)}`)).body).appointments;
		expect(listed.find((a) => a.patientId === patients[0])).toMatchObject({
			end: new Date(at(dayAhead(3), '09:45')).toISOString(),
			type: { id: type.id, name: type.name, color: '#6941c6' }
		});
	});

	it('books a weekly series (201, one key covering all of it)', async () => {
		const body = { patientId: patients[1], doctorId, start: at(dayAhead(4), '11:00'), repeat: { everyDays: 7, count: 3 }, idempotencyKey: key() };
		const res = await desk.post(`${base()}/appointments`, body);
		expect(res.status).toBe(201);
		const series = appointmentSeriesView.parse(res.body);
		expect(series.appointments.map((a) => a.start)).toEqual([4, 11, 18].map((d) => new Date(at(dayAhead(d), '11:00')).toISOString()));
		expect(series.skipped).toEqual([]);
		const again = await desk.post(`${base()}/appointments`, body);
		expect(again.status).toBe(201);
		expect(appointmentSeriesView.parse(again.body)).toEqual(series);
		expectError(await desk.post(`${base()}/appointments`, { ...body, repeat: { everyDays: 7, count: 4 } }), 422, 'idempotency_key_reused');
	});

	it('refuses a series with a clashing date (409 series_clashes, the dates and why in the caller’s language) and books nothing; skipClashes books the others', async () => {
		const body = { patientId: patients[2], doctorId, start: at(dayAhead(3), '12:00'), repeat: { everyDays: 7, count: 3 }, idempotencyKey: key() };
		const refused = await desk.post(`${base()}/appointments`, body);
		expectError(refused, 409, 'series_clashes');
		const closed = { date: dayAhead(17), start: new Date(at(dayAhead(17), '12:00')).toISOString(), reason: 'clinic_closed' };
		expect((refused.body as { error: { clashes: unknown } }).error.clashes).toEqual([{ ...closed, message: 'The clinic is closed that day.' }]);
		const inUrdu = await deskInUrdu.post(`${base()}/appointments`, { ...body, idempotencyKey: key() });
		expect((inUrdu.body as { error: { clashes: unknown } }).error.clashes).toEqual([{ ...closed, message: 'کلینک اس دن بند ہے۔' }]);
		for (const day of [3, 10]) {
			const listed = appointmentsView.parse((await desk.get(`${base()}/appointments?date=${dayAhead(day)}`)).body).appointments;
			expect(listed.filter((a) => a.patientId === patients[2])).toEqual([]);
		}
		const skipping = await desk.post(`${base()}/appointments`, { ...body, skipClashes: true });
		expect(skipping.status).toBe(201);
		const series = appointmentSeriesView.parse(skipping.body);
		expect(series.appointments.map((a) => a.start)).toEqual([3, 10].map((d) => new Date(at(dayAhead(d), '12:00')).toISOString()));
		expect(series.skipped).toEqual([{ ...closed, message: 'The clinic is closed that day.' }]);
	});

	it('refuses bad repeats with every field named, and a pharmacist with 403', async () => {
		const bad = await desk.post(`${base()}/appointments`, {
			patientId: patients[3],
			doctorId,
			start: at(dayAhead(5), '09:00'),
			repeat: { everyDays: 30, count: 1 },
			skipClashes: 'yes',
			idempotencyKey: key()
		});
		expect(bad.status).toBe(400);
		expect(errorOf(bad).fields?.map((f) => f.field)).toEqual(['repeat.everyDays', 'repeat.count', 'skipClashes']);
		const pharmacistBooking = { patientId: patients[3], doctorId, start: at(dayAhead(5), '09:00'), repeat: { everyDays: 7, count: 2 }, idempotencyKey: key() };
		expectError(await pharmacist.post(`${base()}/appointments`, pharmacistBooking), 403, 'forbidden');
	});
});
