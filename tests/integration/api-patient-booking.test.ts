import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember, makeUser, rand } from '../factories';
import { patient } from '../../src/lib/server/db/schema/patients';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { clinicToday } from '../../src/lib/time';
import { appointmentView, bookingOptionsView, patientAppointmentsView } from '../../src/lib/server/openapi/scheduling';

let app: App;
let code: string;
let doctorId: string;
let me: ApiClient, stranger: ApiClient, desk: ApiClient;
const TZ = 'Asia/Karachi';
const day = clinicToday(TZ, new Date(Date.now() + 3 * 86_400_000));

beforeAll(async () => {
	const emails: Record<string, string> = {};
	app = await startApp({
		seed: async (db) => {
			const clinic = await makeClinic(db, { timezone: TZ });
			code = clinic.code;
			const reception = await makeMember(db, clinic.id, 'reception');
			doctorId = (await makeMember(db, clinic.id, 'doctor')).id;
			const ctx = { clinicId: clinic.id, actor: { userId: reception.id, role: 'reception' as const } };
			await setAvailability(db, ctx, doctorId, {
				weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '12:00', slotMinutes: 15 }))
			});
			const account = await makeUser(db, { kind: 'patient' });
			const result = await registerPatient(db, ctx, { name: 'Saima Booking' }, { allowDuplicate: true });
			if (result.status !== 'created') throw new Error('not created');
			await db.update(patient).set({ userId: account.id }).where(eq(patient.id, result.patient.id));
			emails.me = account.email;
			emails.stranger = (await makeUser(db, { kind: 'patient' })).email;
			emails.desk = reception.email;
		}
	});
	[me, stranger, desk] = await Promise.all(['me', 'stranger', 'desk'].map((k) => signedIn(app, emails[k], PASSWORD)));
});
afterAll(async () => {
	await app?.stop();
});

describe('the patient booking API', () => {
	it('offers the linked clinic’s doctors and free times, takes a request, lists it and cancels it', async () => {
		const options = await me.get(`/api/v1/me/booking-options?date=${day}`);
		expect(options.status, options.text).toBe(200);
		const body = bookingOptionsView.parse(options.body);
		expect(body).toMatchObject({ clinic: { code, timeZone: TZ }, doctorId, date: day });
		expect(body.slots).toHaveLength(12);

		const input = { clinic: code, doctorId, start: body.slots[0].start, reason: 'Check-up', idempotencyKey: `api-${rand(6)}` };
		const first = await me.post('/api/v1/me/appointments', input);
		expect(first.status, first.text).toBe(201);
		const booked = appointmentView.parse(first.body);
		expect(booked.status).toBe('requested');
		const again = await me.post('/api/v1/me/appointments', input);
		expect(again.status).toBe(201);
		expect(appointmentView.parse(again.body).id).toBe(booked.id);

		const listed = patientAppointmentsView.parse((await me.get('/api/v1/me/appointments')).body);
		expect(listed.appointments.map((a) => [a.id, a.status, a.cancellable])).toEqual([[booked.id, 'requested', true]]);
		// The desk sees the request in the clinic's day.
		const day_ = await desk.get(`/api/v1/clinics/${code}/appointments?date=${day}`);
		expect((day_.body as { appointments: { id: string; status: string }[] }).appointments).toContainEqual(
			expect.objectContaining({ id: booked.id, status: 'requested' })
		);

		expectError(await stranger.post(`/api/v1/me/appointments/${booked.id}/cancel`, { idempotencyKey: `api-${rand(6)}` }), 404, 'not_found');
		// No body at all: the key comes as a header.
		const cancelled = await me.post(`/api/v1/me/appointments/${booked.id}/cancel`, undefined, { headers: { 'idempotency-key': `api-${rand(6)}` } });
		expect(cancelled.status, cancelled.text).toBe(200);
		expect(appointmentView.parse(cancelled.body).status).toBe('cancelled');
		expectError(await me.post(`/api/v1/me/appointments/${booked.id}/cancel`, { idempotencyKey: `api-${rand(6)}` }), 409, 'invalid_transition');
		expect(patientAppointmentsView.parse((await me.get('/api/v1/me/appointments')).body).appointments).toEqual([]);
	});

	it('refuses a taken slot, an unlinked account, bad input and signed-out callers with clear errors', async () => {
		const { slots } = bookingOptionsView.parse((await me.get(`/api/v1/me/booking-options?date=${day}`)).body);
		const start = slots[1].start;
		const other = (await desk.post(`/api/v1/clinics/${code}/patients`, { name: 'Other', allowDuplicate: true })).body as { id: string };
		expect((await desk.post(`/api/v1/clinics/${code}/appointments`, { patientId: other.id, doctorId, start, idempotencyKey: `desk-${rand(6)}` })).status).toBe(
			201
		);
		expectError(await me.post('/api/v1/me/appointments', { clinic: code, doctorId, start, idempotencyKey: `api-${rand(6)}` }), 409, 'slot_taken', 'start');
		expectError(
			await stranger.post('/api/v1/me/appointments', { clinic: code, doctorId, start: slots[2].start, idempotencyKey: `api-${rand(6)}` }),
			403,
			'clinic_not_linked'
		);
		expectError(
			await me.post('/api/v1/me/appointments', { clinic: code, doctorId, start: 'soon', idempotencyKey: `api-${rand(6)}` }),
			400,
			'field_invalid',
			'start'
		);
		expectError(await me.post('/api/v1/me/appointments', { clinic: code, doctorId }), 400, 'field_required');
		expect(bookingOptionsView.parse((await stranger.get('/api/v1/me/booking-options')).body)).toMatchObject({ clinics: [], clinic: null, slots: [] });
		const anonymous = app.client();
		expectError(await anonymous.get('/api/v1/me/appointments'), 401, 'unauthenticated');
		expectError(await anonymous.post('/api/v1/me/appointments', {}), 401, 'unauthenticated');
	});
});
