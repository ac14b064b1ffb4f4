import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember, makeUser, middayTimeZone, rand } from '../factories';
import { patient } from '../../src/lib/server/db/schema';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { appointmentView } from '../../src/lib/server/openapi/scheduling';
import { tokenView } from '../../src/lib/server/openapi/queue';
import { clinicToday } from '../../src/lib/time';

let app: App;
let code: string;
let timeZone: string;
let doctorId: string;
const patients: string[] = [];
let desk: ApiClient, otherDesk: ApiClient, doctor: ApiClient, urduDesk: ApiClient, patientA: ApiClient, patientB: ApiClient;

const key = () => `key-${rand(8)}`;
const base = () => `/api/v1/clinics/${code}`;
const dayAhead = (days: number) => clinicToday(timeZone, new Date(Date.now() + days * 86_400_000));
beforeAll(async () => {
	const emails: Record<string, string> = {};
	timeZone = middayTimeZone();
	app = await startApp({
		seed: async (db) => {
			const clinic = await makeClinic(db, { timezone: timeZone, autoConfirmStaffBookings: true });
			code = clinic.code;
			const reception = await makeMember(db, clinic.id, 'reception');
			const otherReception = await makeMember(db, clinic.id, 'reception');
			const doc = await makeMember(db, clinic.id, 'doctor');
			doctorId = doc.id;
			const ctx = { clinicId: clinic.id, actor: { userId: reception.id, role: 'reception' as const } };
			await setAvailability(db, ctx, doctorId, {
				weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:45', slotMinutes: 15 }))
			});
			const a = await makeUser(db, { kind: 'patient' });
			const b = await makeUser(db, { kind: 'patient' });
			const rows = await db
				.insert(patient)
				.values(
					Array.from({ length: 9 }, (_, i) => ({
						clinicId: clinic.id,
						refNo: i + 1,
						name: `Patient ${i} ${rand(2)}`,
						userId: i === 7 ? a.id : i === 8 ? b.id : null
					}))
				)
				.returning();
			patients.push(...rows.map((r) => r.id));
			Object.assign(emails, { a: a.email, b: b.email });
			Object.assign(emails, { desk: reception.email, other: otherReception.email, doc: doc.email });
		}
	});
	[desk, otherDesk, doctor, patientA, patientB] = await Promise.all(['desk', 'other', 'doc', 'a', 'b'].map((k) => signedIn(app, emails[k], PASSWORD)));
	urduDesk = await signedIn(app, emails.desk, PASSWORD, { 'accept-language': 'ur' });
}, 180_000);
afterAll(async () => {
	await app?.stop();
});

/** The start of one of the doctor's free slots, as the slots endpoint gives it (with the clinic's offset). */
async function freeStart(days: number, index: number): Promise<string> {
	const res = await desk.get(`${base()}/slots?doctor=${doctorId}&date=${dayAhead(days)}`);
	const { slots } = res.body as { slots: { start: string }[] };
	return slots[index].start;
}

describe('idempotency keys over the API', () => {
	it('refuses the commands a retry could double without a key, in the caller’s language', async () => {
		const start = await freeStart(2, 0);
		const refused = await desk.post(`${base()}/appointments`, { patientId: patients[0], doctorId, start });
		expectError(refused, 400, 'idempotency_key_required', 'idempotencyKey');
		expect(errorOf(refused).message).toMatch(/Idempotency-Key/);
		const inUrdu = errorOf(await urduDesk.post(`${base()}/appointments`, { patientId: patients[0], doctorId, start }));
		expect(inUrdu.code).toBe('idempotency_key_required');
		expect(inUrdu.message).toMatch(/[\u0600-\u06FF]/);

		const booked = appointmentView.parse((await desk.post(`${base()}/appointments`, { patientId: patients[0], doctorId, start, idempotencyKey: key() })).body);
		expectError(await desk.post(`${base()}/appointments/${booked.id}/reschedule`, { start: await freeStart(2, 1) }), 400, 'idempotency_key_required');
		expectError(await desk.post(`${base()}/appointments/${booked.id}/cancel`, { reason: 'Unwell' }), 400, 'idempotency_key_required');
		expectError(await patientA.post('/api/v1/me/appointments', { clinic: code, doctorId, start: await freeStart(2, 2) }), 400, 'idempotency_key_required');

		expectError(await desk.post(`${base()}/queue/check-in`, { patientId: patients[1] }), 400, 'idempotency_key_required');
		const token = tokenView.parse((await desk.post(`${base()}/queue/check-in`, { patientId: patients[1], doctorId, idempotencyKey: key() })).body);
		expectError(await doctor.post(`${base()}/queue/next`, { doctorId }), 400, 'idempotency_key_required');
		expect((await doctor.post(`${base()}/queue/next`, { doctorId, idempotencyKey: key() })).status).toBe(200);
		expectError(await doctor.post(`${base()}/queue/${token.id}/complete`), 400, 'idempotency_key_required');
		expectError(await doctor.post(`${base()}/queue/${token.id}/complete`, {}), 400, 'idempotency_key_required');
		// Nothing above changed anything: the appointment is where it was, the patient still with the doctor.
		const day = (await desk.get(`${base()}/appointments?date=${dayAhead(2)}`)).body as { appointments: { id: string; status: string; start: string }[] };
		expect(day.appointments.find((a) => a.id === booked.id)).toMatchObject({ status: 'confirmed', start: booked.start });
		const queue = (await doctor.get(`${base()}/queue`)).body as { tokens: { id: string; status: string }[] };
		expect(queue.tokens.find((t) => t.id === token.id)?.status).toBe('with_doctor');
	});

	it('takes the key as an Idempotency-Key header: a retry replays, another body is refused with 422', async () => {
		const start = await freeStart(3, 0);
		const k = key();
		const headers = { 'idempotency-key': k };
		const first = await desk.post(`${base()}/appointments`, { patientId: patients[2], doctorId, start, reason: 'Fever' }, { headers });
		expect(first.status, first.text).toBe(201);
		const again = await desk.post(`${base()}/appointments`, { patientId: patients[2], doctorId, start, reason: 'Fever' }, { headers });
		expect(again.body).toEqual(first.body);
		// The body field and the header are the same key.
		expect((await desk.post(`${base()}/appointments`, { patientId: patients[2], doctorId, start, reason: 'Fever', idempotencyKey: k })).body).toEqual(
			first.body
		);

		const reused = await desk.post(`${base()}/appointments`, { patientId: patients[3], doctorId, start: await freeStart(3, 1) }, { headers });
		expectError(reused, 422, 'idempotency_key_reused', 'idempotencyKey');
		expect(errorOf(await urduDesk.post(`${base()}/appointments`, { patientId: patients[3], doctorId, start }, { headers })).message).toMatch(/[\u0600-\u06FF]/);
		const day = (await desk.get(`${base()}/appointments?date=${dayAhead(3)}`)).body as { appointments: { patientId: string }[] };
		expect(day.appointments.filter((a) => a.patientId === patients[3])).toEqual([]);

		expectError(
			await desk.post(`${base()}/appointments`, { patientId: patients[2], doctorId, start, idempotencyKey: key() }, { headers }),
			400,
			'field_invalid',
			'idempotencyKey'
		);
	});

	it('completes with the key in a header and no body, and answers a retried complete as the first', async () => {
		const token = tokenView.parse((await desk.post(`${base()}/queue/check-in`, { patientId: patients[4], doctorId, idempotencyKey: key() })).body);
		// The doctor may still be with the previous test's patient.
		const queue = (await doctor.get(`${base()}/queue`)).body as { tokens: { id: string; status: string }[] };
		for (const busy of queue.tokens.filter((t) => t.status === 'with_doctor')) {
			expect((await doctor.post(`${base()}/queue/${busy.id}/complete`, undefined, { headers: { 'idempotency-key': key() } })).status).toBe(200);
		}
		const call = key();
		const called = await doctor.post(`${base()}/queue/next`, { doctorId }, { headers: { 'idempotency-key': call } });
		expect(tokenView.parse(called.body).id).toBe(token.id);
		expect((await doctor.post(`${base()}/queue/next`, { doctorId }, { headers: { 'idempotency-key': call } })).body).toEqual(called.body);
		const complete = { headers: { 'idempotency-key': key() } };
		const done = await doctor.post(`${base()}/queue/${token.id}/complete`, undefined, complete);
		expect(done.status, done.text).toBe(200);
		expect(tokenView.parse(done.body).status).toBe('completed');
		const retried = await doctor.post(`${base()}/queue/${token.id}/complete`, undefined, complete);
		expect(retried.status).toBe(200);
		expect(retried.body).toEqual(done.body);
	});

	it('gives patient B who sends patient A’s key their own request, never A’s appointment', async () => {
		const shared = key();
		const a = await patientA.post('/api/v1/me/appointments', {
			clinic: code,
			doctorId,
			start: await freeStart(4, 0),
			reason: 'A’s private reason',
			idempotencyKey: shared
		});
		expect(a.status, a.text).toBe(201);
		const b = await patientB.post('/api/v1/me/appointments', { clinic: code, doctorId, start: await freeStart(4, 1), idempotencyKey: shared });
		expect(b.status, b.text).toBe(201);
		expect(appointmentView.parse(b.body).id).not.toBe(appointmentView.parse(a.body).id);
		expect(b.text).not.toContain('private');
		// Another receptionist's use of the desk's key is theirs too.
		const deskKey = key();
		const mine = await desk.post(`${base()}/appointments`, { patientId: patients[5], doctorId, start: await freeStart(4, 2), idempotencyKey: deskKey });
		const theirs = await otherDesk.post(`${base()}/appointments`, { patientId: patients[6], doctorId, start: await freeStart(4, 3), idempotencyKey: deskKey });
		expect(theirs.status, theirs.text).toBe(201);
		expect(appointmentView.parse(theirs.body)).toMatchObject({ patientId: patients[6] });
		expect(appointmentView.parse(theirs.body).id).not.toBe(appointmentView.parse(mine.body).id);
	});

	it('documents the Idempotency-Key header and the 422 on the commands that need a key', async () => {
		const doc = (await desk.get('/api/v1/openapi.json')).body as {
			paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>>;
			components: { responses: Record<string, unknown> };
		};
		const keyed = [
			['/clinics/{code}/appointments', 'post'],
			['/clinics/{code}/appointments/{id}/reschedule', 'post'],
			['/clinics/{code}/appointments/{id}/cancel', 'post'],
			['/clinics/{code}/queue/check-in', 'post'],
			['/clinics/{code}/queue/next', 'post'],
			['/clinics/{code}/queue/{tokenId}/complete', 'post'],
			['/me/appointments', 'post'],
			['/me/appointments/{id}/cancel', 'post']
		];
		for (const [path, method] of keyed) {
			const operation = doc.paths[path][method];
			expect(
				operation.parameters?.some((p) => p.name === 'Idempotency-Key' && p.in === 'header'),
				path
			).toBe(true);
			expect(operation.responses['422'], path).toEqual({ $ref: '#/components/responses/UnprocessableEntity' });
		}
		expect(doc.components.responses.UnprocessableEntity).toBeDefined();
	});
});
