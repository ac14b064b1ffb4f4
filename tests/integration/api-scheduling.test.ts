import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember, rand } from '../factories';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import {
	appointmentView,
	appointmentsView,
	availabilityView,
	closureView,
	dayHasAppointmentsView,
	slotsView,
	waitlistView
} from '../../src/lib/server/openapi/scheduling';
import { clinicToday } from '../../src/lib/time';
import { membership } from '../../src/lib/server/db/schema';
import { makeAppointment, makePatient } from './queueScene';

const TZ = 'Asia/Karachi';
let app: App;
let clinicA: { id: string; code: string };
let clinicB: { id: string; code: string };
/** In Auckland, where 2026-04-05 is 25 hours long (the clocks go back at 03:00). */
let clinicNz: { id: string; code: string };
let doctorId: string;
let otherDoctorId: string;
const patients: string[] = [];
let otherClinicPatient: string;
let desk: ApiClient, doctor: ApiClient, pharmacist: ApiClient, outsider: ApiClient, admin: ApiClient;

// Counted from when the file started, so a run across the clinic's midnight still names the same days throughout.
const started = Date.now();
const dayAhead = (days: number) => clinicToday(TZ, new Date(started + days * 86_400_000));
const base = (code = clinicA.code) => `/api/v1/clinics/${code}`;
const key = () => `key-${rand(8)}`;

beforeAll(async () => {
	const people: Record<string, { email: string }> = {};
	app = await startApp({
		seed: async (db) => {
			clinicA = await makeClinic(db, { timezone: TZ });
			clinicB = await makeClinic(db, { timezone: TZ });
			const reception = await makeMember(db, clinicA.id, 'reception');
			const doc = await makeMember(db, clinicA.id, 'doctor');
			const doc2 = await makeMember(db, clinicA.id, 'doctor');
			const pharm = await makeMember(db, clinicA.id, 'pharmacist');
			const boss = await makeMember(db, clinicA.id, 'admin');
			const other = await makeMember(db, clinicB.id, 'reception');
			doctorId = doc.id;
			otherDoctorId = doc2.id;
			Object.assign(people, { reception, doc, pharm, other, boss });
			const ctx = { clinicId: clinicA.id, actor: { userId: reception.id, role: 'reception' as const } };
			for (let i = 0; i < 40; i++) {
				const r = await registerPatient(db, ctx, { name: `Patient ${i} ${rand(2)}` }, { allowDuplicate: true });
				if (r.status === 'created') patients.push(r.patient.id);
			}
			const r = await registerPatient(
				db,
				{ clinicId: clinicB.id, actor: { userId: other.id, role: 'reception' } },
				{ name: 'Elsewhere' },
				{ allowDuplicate: true }
			);
			if (r.status === 'created') otherClinicPatient = r.patient.id;
			clinicNz = await makeClinic(db, { timezone: 'Pacific/Auckland' });
			await db.insert(membership).values({ clinicId: clinicNz.id, userId: reception.id, role: 'reception' });
			const nzDoctor = await makeMember(db, clinicNz.id, 'doctor');
			const nzPatient = await makePatient(db, clinicNz.id);
			// 23:45 on the 4th, 00:05 and 23:40 on the 5th, 00:00 on the 6th (Auckland time).
			for (const at of ['2026-04-04T10:45:00Z', '2026-04-04T11:05:00Z', '2026-04-05T11:40:00Z', '2026-04-05T12:00:00Z'])
				await makeAppointment(db, clinicNz.id, nzPatient.id, nzDoctor.id, new Date(at));
		}
	});
	[desk, doctor, pharmacist, outsider, admin] = await Promise.all(
		['reception', 'doc', 'pharm', 'other', 'boss'].map((k) => signedIn(app, people[k].email, PASSWORD))
	);
	const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
		weekday,
		start: '09:00',
		end: '17:00',
		slotMinutes: 15,
		breaks: [{ start: '13:00', end: '14:00' }]
	}));
	const res = await desk.put(`${base()}/doctors/${doctorId}/availability`, { weekly, exceptions: [{ date: dayAhead(6), off: true, reason: 'Leave' }] });
	expect(res.status).toBe(200);
});
afterAll(async () => {
	await app?.stop();
});

describe('availability and slots', () => {
	it('lists free slots with the clinic’s offset', async () => {
		const res = await desk.get(`${base()}/slots?doctor=${doctorId}&date=${dayAhead(2)}`);
		expect(res.status).toBe(200);
		const { slots } = slotsView.parse(res.body);
		expect(slots).toHaveLength(28);
		expect(slots[0].start).toBe(`${dayAhead(2)}T09:00:00+05:00`);
		expect(slotsView.parse((await desk.get(`${base()}/slots?doctor=${doctorId}&date=${dayAhead(6)}`)).body).slots).toEqual([]);
	});

	it('refuses bad availability and bad queries without changing anything', async () => {
		const bad = [
			{ weekly: [{ weekday: 0, start: '09:00', end: '17:00', slotMinutes: 15 }] },
			{ weekly: [{ weekday: 1, start: "09:00'; DROP TABLE appointment;--", end: '17:00', slotMinutes: 15 }] },
			{ weekly: 'all week' },
			{ weekly: [{ weekday: 1, start: '09:00', end: '17:00', slotMinutes: 15, breaks: [{ start: '08:00', end: '09:30' }] }] }
		];
		for (const body of bad) {
			const res = await desk.put(`${base()}/doctors/${doctorId}/availability`, body);
			expect(res.status).toBe(400);
		}
		expect(slotsView.parse((await desk.get(`${base()}/slots?doctor=${doctorId}&date=${dayAhead(2)}`)).body).slots).toHaveLength(28);
		expectError(await desk.get(`${base()}/slots?doctor=${doctorId}&date=tomorrow`), 400, 'field_invalid', 'date');
		expectError(await desk.get(`${base()}/slots?doctor=${patients[0]}&date=${dayAhead(2)}`), 400, 'field_invalid', 'doctor');
		expect(slotsView.parse((await desk.get(`${base()}/slots?doctor=${otherDoctorId}&date=${dayAhead(2)}`)).body).slots).toEqual([]);
		expectError(await pharmacist.put(`${base()}/doctors/${doctorId}/availability`, { weekly: [] }), 403, 'forbidden');
		expectError(await outsider.get(`${base()}/slots?doctor=${doctorId}&date=${dayAhead(2)}`), 404, 'not_found');
	});
});

describe('booking over HTTP', () => {
	it('books, lists, and serves a calendar file', async () => {
		const res = await desk.post(`${base()}/appointments`, { patientId: patients[0], doctorId, start: `${dayAhead(2)}T09:00:00+05:00`, idempotencyKey: key() });
		expect(res.status).toBe(201);
		const booked = appointmentView.parse(res.body);
		expect(booked.ref).toMatch(new RegExp(`^${clinicA.code}-A\\d+$`));
		const list = appointmentsView.parse((await doctor.get(`${base()}/appointments?date=${dayAhead(2)}`)).body);
		expect(list.appointments.map((a) => a.id)).toContain(booked.id);
		const ics = await desk.get(`${base()}/appointments/${booked.id}.ics`);
		expect(ics.status).toBe(200);
		expect(ics.headers.get('content-type')).toMatch(/^text\/calendar/);
		expect(ics.text).toContain('BEGIN:VEVENT');
		expectError(await outsider.get(`/api/v1/clinics/${clinicB.code}/appointments/${booked.id}.ics`), 404, 'not_found');
	});

	it('lists a clinic day by the clinic’s clock, also a 25-hour one east of UTC, and refuses a day that is not on the calendar', async () => {
		const res = await desk.get(`${base(clinicNz.code)}/appointments?date=2026-04-05`);
		expect(res.status).toBe(200);
		expect(
			appointmentsView
				.parse(res.body)
				.appointments.map((a) => new Date(a.start).toISOString())
				.sort()
		).toEqual(['2026-04-04T11:05:00.000Z', '2026-04-05T11:40:00.000Z']);
		expectError(await desk.get(`${base(clinicNz.code)}/appointments?date=2026-02-30`), 400, 'field_invalid', 'date');
	});

	it('lets exactly one of 30 simultaneous requests for one slot win; the rest get a clean 409 slot_taken', async () => {
		const start = `${dayAhead(3)}T10:00:00+05:00`;
		const responses = await Promise.all(
			patients.slice(1, 31).map((patientId) => desk.post(`${base()}/appointments`, { patientId, doctorId, start, idempotencyKey: key() }))
		);
		const statuses = responses.map((r) => r.status);
		expect(statuses.filter((s) => s === 201)).toHaveLength(1);
		expect(statuses.filter((s) => s === 409)).toHaveLength(29);
		for (const r of responses.filter((r) => r.status === 409)) expectError(r, 409, 'slot_taken', 'start');
	});

	it('answers a retried request with the same booking', async () => {
		const body = { patientId: patients[31], doctorId, start: `${dayAhead(3)}T11:00:00+05:00`, idempotencyKey: key() };
		const [a, b] = await Promise.all([desk.post(`${base()}/appointments`, body), desk.post(`${base()}/appointments`, body)]);
		expect(appointmentView.parse(a.body).id).toBe(appointmentView.parse(b.body).id);
	});

	it('refuses bad bookings with the field at fault', async () => {
		const good = { patientId: patients[32], doctorId, start: `${dayAhead(3)}T12:00:00+05:00`, idempotencyKey: key() };
		const cases: [Record<string, unknown>, number, string, string?][] = [
			[{ start: `${dayAhead(3)}T12:05:00+05:00` }, 400, 'outside_schedule', 'start'],
			[{ start: '2020-01-01T10:00:00+05:00' }, 400, 'in_the_past', 'start'],
			[{ patientId: otherClinicPatient }, 400, 'field_invalid', 'patientId'],
			[{ patientId: "1' OR '1'='1" }, 400, 'field_invalid', 'patientId'],
			[{ idempotencyKey: undefined }, 400, 'idempotency_key_required', 'idempotencyKey'],
			[{ reason: '<script>'.repeat(100) }, 400, 'field_too_long', 'reason']
		];
		for (const [override, status, code, field] of cases) expectError(await desk.post(`${base()}/appointments`, { ...good, ...override }), status, code, field);
		expectError(await pharmacist.post(`${base()}/appointments`, good), 403, 'forbidden');
		expectError(
			await outsider.post(`/api/v1/clinics/${clinicB.code}/appointments`, { ...good, patientId: otherClinicPatient }),
			400,
			'field_invalid',
			'doctorId'
		);
	});

	it('reschedules, cancels with a reason and offers the slot to the waitlist', async () => {
		const day = dayAhead(4);
		const booked = appointmentView.parse(
			(await desk.post(`${base()}/appointments`, { patientId: patients[33], doctorId, start: `${day}T09:00:00+05:00`, idempotencyKey: key() })).body
		);
		const moved = await desk.post(`${base()}/appointments/${booked.id}/reschedule`, { start: `${day}T09:30:00+05:00`, idempotencyKey: key() });
		expect(moved.status).toBe(200);
		expect(new Date(appointmentView.parse(moved.body).start).toISOString()).toBe(new Date(`${day}T09:30:00+05:00`).toISOString());
		const joined = await desk.post(`${base()}/waitlist`, { patientId: patients[34], doctorId });
		expect(joined.status).toBe(201);
		expectError(await desk.post(`${base()}/appointments/${booked.id}/cancel`, {}), 400, 'field_required', 'reason');
		const cancelled = await desk.post(`${base()}/appointments/${booked.id}/cancel`, { reason: 'Unwell', idempotencyKey: key() });
		expect(appointmentView.parse(cancelled.body).status).toBe('cancelled');
		const waitlist = waitlistView.parse((await desk.get(`${base()}/waitlist`)).body);
		expect(waitlist.entries.find((e) => e.patientId === patients[34])?.status).toBe('offered');
		expectError(await desk.post(`${base()}/appointments/${booked.id}/cancel`, { reason: 'again', idempotencyKey: key() }), 409, 'invalid_transition');
		expectError(await desk.post(`${base()}/appointments/${booked.id}/teleport`, {}), 404, 'not_found');
	});

	it('answers waitlist offers for the patient: decline passes the time on, accept books it once, withdraw removes the entry', async () => {
		const day = dayAhead(5);
		const freed = appointmentView.parse(
			(await desk.post(`${base()}/appointments`, { patientId: patients[35], doctorId, start: `${day}T10:00:00+05:00`, idempotencyKey: key() })).body
		);
		const [first, second] = [patients[36], patients[37]];
		for (const patientId of [first, second]) expect((await desk.post(`${base()}/waitlist`, { patientId, doctorId })).status).toBe(201);
		await desk.post(`${base()}/appointments/${freed.id}/cancel`, { reason: 'Travelling', idempotencyKey: key() });
		const entryOf = async (patientId: string) => waitlistView.parse((await desk.get(`${base()}/waitlist`)).body).entries.find((e) => e.patientId === patientId);
		const offered = await entryOf(first);
		expect(offered?.status).toBe('offered');
		const waiting = await entryOf(second);
		expectError(await desk.post(`${base()}/waitlist/${waiting!.id}/accept`, { idempotencyKey: key() }), 409, 'offer_not_open');

		const declined = await desk.post(`${base()}/waitlist/${offered!.id}/decline`, {});
		expect(declined.status).toBe(200);
		expect((await entryOf(first))?.status).toBe('waiting');
		const passedOn = await entryOf(second);
		expect(passedOn?.status).toBe('offered');

		expectError(await desk.post(`${base()}/waitlist/${passedOn!.id}/accept`, {}), 400, 'idempotency_key_required', 'idempotencyKey');
		expectError(await pharmacist.post(`${base()}/waitlist/${passedOn!.id}/accept`, { idempotencyKey: key() }), 403, 'forbidden');
		expectError(await desk.post(`${base()}/waitlist/${passedOn!.id}/teleport`, {}), 404, 'not_found');
		const idempotencyKey = key();
		const accepted = await desk.post(`${base()}/waitlist/${passedOn!.id}/accept`, { idempotencyKey });
		expect(accepted.status).toBe(200);
		const body = accepted.body as { appointment: { patientId: string; start: string }; movedFrom: string | null };
		expect(body.appointment.patientId).toBe(second);
		expect(new Date(body.appointment.start).toISOString()).toBe(new Date(`${day}T10:00:00+05:00`).toISOString());
		expect(body.movedFrom).toBeNull();
		// A retried accept never books a second time.
		expectError(await desk.post(`${base()}/waitlist/${passedOn!.id}/accept`, { idempotencyKey }), 409, 'offer_not_open');
		const onDay = appointmentsView
			.parse((await desk.get(`${base()}/appointments?date=${day}`)).body)
			.appointments.filter((a) => a.patientId === second && a.status !== 'cancelled');
		expect(onDay).toHaveLength(1);

		expect((await desk.request('DELETE', `${base()}/waitlist/${offered!.id}`)).status).toBe(204);
		expect(await entryOf(first)).toBeUndefined();
		expectError(await desk.request('DELETE', `${base()}/waitlist/${offered!.id}`), 404, 'not_found');
	});
});

describe('closing a day that has bookings, over HTTP', () => {
	const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
		weekday,
		start: '09:00',
		end: '17:00',
		slotMinutes: 15,
		breaks: [{ start: '13:00', end: '14:00' }]
	}));
	const bookOn = async (day: string, patientId: string) => {
		const res = await desk.post(`${base()}/appointments`, { patientId, doctorId, start: `${day}T10:00:00+05:00`, idempotencyKey: key() });
		expect(res.status).toBe(201);
		return appointmentView.parse(res.body);
	};

	it('answers a closure 409 day_has_appointments with the bookings in error.appointments, in the caller’s language, then cancels them when told', async () => {
		const day = dayAhead(12);
		const booked = await bookOn(day, patients[30]);
		const refused = await admin.post(`${base()}/closures`, { date: day, reason: 'Eid' }, { headers: { 'accept-language': 'ur' } });
		expect(refused.status).toBe(409);
		const { error } = dayHasAppointmentsView.parse(refused.body);
		expect(error.message).toMatch(/[\u0600-\u06FF]/);
		expect(error.fields).toEqual([]);
		expect(error.appointments).toEqual([
			expect.objectContaining({
				id: booked.id,
				day,
				start: booked.start,
				end: booked.end,
				doctorId,
				patientId: patients[30],
				patientName: expect.stringMatching(/^Patient 30 /)
			})
		]);
		expect(error.appointments[0].doctorName).not.toBe('');

		const badChoice = await admin.post(`${base()}/closures`, { date: day, appointments: 'move_them' });
		expectError(badChoice, 400, 'field_invalid', 'appointments');
		expect(errorOf(badChoice).fields).toEqual([expect.objectContaining({ field: 'appointments', code: 'choice_invalid' })]);
		expectError(await desk.post(`${base()}/closures`, { date: day, appointments: 'cancel_and_notify' }), 403, 'forbidden');

		const saved = await admin.post(`${base()}/closures`, { date: day, reason: 'Eid', appointments: 'cancel_and_notify' });
		expect(saved.status).toBe(201);
		expect(closureView.parse(saved.body)).toMatchObject({ day, cancelledAppointments: [booked.id], keptAppointments: [] });
		const onDay = appointmentsView.parse((await desk.get(`${base()}/appointments?date=${day}`)).body).appointments;
		expect(onDay.find((a) => a.id === booked.id)?.status).toBe('cancelled');
	});

	it('answers leave on a booked day 409 too, and saves it with keep', async () => {
		const day = dayAhead(13);
		const booked = await bookOn(day, patients[31]);
		const exceptions = [
			{ date: dayAhead(6), off: true, reason: 'Leave' },
			{ date: day, off: true, reason: 'Conference' }
		];
		const refused = await desk.put(`${base()}/doctors/${doctorId}/availability`, { weekly, exceptions });
		expect(refused.status).toBe(409);
		expect(dayHasAppointmentsView.parse(refused.body).error.appointments.map((a) => a.id)).toEqual([booked.id]);
		const kept = await desk.put(`${base()}/doctors/${doctorId}/availability`, { weekly, exceptions, appointments: 'keep' });
		expect(kept.status).toBe(200);
		expect(availabilityView.parse(kept.body)).toMatchObject({ cancelledAppointments: [], keptAppointments: [booked.id] });
	});
});
