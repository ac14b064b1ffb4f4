import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeMember, middayTimeZone, rand, twoClinicsWithStaff } from '../factories';
import { patient } from '../../src/lib/server/db/schema';
import { appointment } from '../../src/lib/server/db/schema/scheduling';
import { displayKeyCreatedView, displayKeysView, displayKeyView, queueView, tokenView } from '../../src/lib/server/openapi/queue';

let app: App;
let clinicA: { id: string; code: string };
let clinicB: { id: string; code: string };
let doctorId: string;
let appointmentId: string;
const patients: string[] = [];
let otherClinicPatient: string;
let desk: ApiClient, doctor: ApiClient, admin: ApiClient, pharmacist: ApiClient, outsider: ApiClient;

const base = (code = clinicA.code) => `/api/v1/clinics/${code}`;
const key = () => `key-${rand(8)}`;

beforeAll(async () => {
	const people: Record<string, { email: string }> = {};
	app = await startApp({
		seed: async (db) => {
			const cast = await twoClinicsWithStaff(db, { timezone: middayTimeZone() });
			({ clinicA, clinicB } = cast);
			const doc = cast.doctor;
			doctorId = doc.id;
			Object.assign(people, { reception: cast.reception, doc, admin: cast.admin, pharm: await makeMember(db, clinicA.id, 'pharmacist'), other: cast.outsider });
			const rows = await db
				.insert(patient)
				.values(Array.from({ length: 6 }, (_, i) => ({ clinicId: clinicA.id, refNo: i + 1, name: `Patient ${i} ${rand(2)}` })))
				.returning();
			patients.push(...rows.map((r) => r.id));
			const [elsewhere] = await db.insert(patient).values({ clinicId: clinicB.id, refNo: 1, name: 'Elsewhere' }).returning();
			otherClinicPatient = elsewhere.id;
			const start = new Date(Date.now() + 5 * 60_000);
			const [appt] = await db
				.insert(appointment)
				.values({
					clinicId: clinicA.id,
					refNo: 1,
					patientId: patients[0],
					doctorId: doc.id,
					startsAt: start,
					endsAt: new Date(start.getTime() + 900_000),
					status: 'confirmed'
				})
				.returning();
			appointmentId = appt.id;
		}
	});
	[desk, doctor, admin, pharmacist, outsider] = await Promise.all(
		['reception', 'doc', 'admin', 'pharm', 'other'].map((k) => signedIn(app, people[k].email, PASSWORD))
	);
});
afterAll(async () => {
	await app?.stop();
});

describe('queue API', () => {
	it('checks in by appointment and as walk-ins, lists the queue in call order, calls next and completes', async () => {
		const first = await desk.post(`${base()}/queue/check-in`, { appointmentId, idempotencyKey: key() });
		expect(first.status).toBe(201);
		expect(tokenView.parse(first.body)).toMatchObject({ token: '001', status: 'waiting', arrival: 'on_time', doctorId });
		const walkIn = await desk.post(`${base()}/queue/check-in`, { patientId: patients[1], idempotencyKey: key() });
		expect(walkIn.status).toBe(201);
		const k = key();
		const chosen = await desk.post(`${base()}/queue/check-in`, { patientId: patients[2], doctorId, idempotencyKey: k });
		const retried = await desk.post(`${base()}/queue/check-in`, { patientId: patients[2], doctorId, idempotencyKey: k });
		expect(retried.body).toEqual(chosen.body);

		const queue = queueView.parse((await doctor.get(`${base()}/queue`)).body);
		expect(queue.tokens.map((t) => t.token)).toEqual(['001', '002', '003']);
		expect(queue.tokens.every((t) => t.waitMinutes !== null && t.order !== null)).toBe(true);

		const called = await doctor.post(`${base()}/queue/next`, { doctorId, idempotencyKey: key() });
		expect(called.status).toBe(200);
		const token = tokenView.parse(called.body);
		expect(token.status).toBe('with_doctor');
		expect(token.visitId).toMatch(/^[0-9a-f-]{36}$/);
		expectError(await doctor.post(`${base()}/queue/next`, { doctorId, idempotencyKey: key() }), 409, 'doctor_busy');
		const done = await doctor.post(`${base()}/queue/${token.id}/complete`, { idempotencyKey: key() });
		expect(tokenView.parse(done.body).status).toBe('completed');
		expectError(await doctor.post(`${base()}/queue/${token.id}/complete`, { idempotencyKey: key() }), 409, 'token_state');
	});

	it('marks urgent with a reason, reorders (desk only), skips and recalls', async () => {
		const res = await desk.post(`${base()}/queue/check-in`, { patientId: patients[3], doctorId, idempotencyKey: key() });
		const id = tokenView.parse(res.body).id;
		expectError(await desk.post(`${base()}/queue/${id}/urgent`, { reason: '' }), 400, 'field_required', 'reason');
		expect((await desk.post(`${base()}/queue/${id}/urgent`, { reason: 'Fainted' })).status).toBe(200);
		expectError(await doctor.post(`${base()}/queue/${id}/reorder`, { position: 1, reason: 'x' }), 403, 'forbidden');
		expectError(await desk.post(`${base()}/queue/${id}/reorder`, { position: -1, reason: 'x' }), 400, 'field_too_small', 'position');
		expect((await desk.post(`${base()}/queue/${id}/reorder`, { position: 1, reason: 'Asked to wait' })).status).toBe(200);
		expect(tokenView.parse((await doctor.post(`${base()}/queue/${id}/skip`, {})).body).status).toBe('skipped');
		expect(tokenView.parse((await doctor.post(`${base()}/queue/${id}/recall`, {})).body).status).toBe('waiting');
		expectError(await doctor.post(`${base()}/queue/${id}/send-back`, {}), 409, 'token_state');
		expectError(await doctor.post(`${base()}/queue/${id}/explode`, {}), 404, 'not_found');
		expectError(await doctor.post(`${base()}/queue/not-a-token/skip`, {}), 404, 'not_found');
	});

	it('refuses bad input with translated field errors and changes nothing', async () => {
		const before = queueView.parse((await desk.get(`${base()}/queue`)).body).tokens.length;
		expectError(await desk.post(`${base()}/queue/check-in`, { idempotencyKey: key() }), 400, 'field_invalid', 'patientId');
		expectError(await desk.post(`${base()}/queue/check-in`, { patientId: patients[4] }), 400, 'idempotency_key_required', 'idempotencyKey');
		expectError(await desk.post(`${base()}/queue/check-in`, { patientId: otherClinicPatient, idempotencyKey: key() }), 400, 'field_invalid', 'patientId');
		expectError(await desk.post(`${base()}/queue/check-in`, { patientId: patients[2], idempotencyKey: key() }), 409, 'already_in_queue', 'patientId');
		expectError(
			await desk.post(`${base()}/queue/check-in`, { patientId: patients[4], doctorId: patients[4], idempotencyKey: key() }),
			400,
			'field_invalid',
			'doctorId'
		);
		expectError(await desk.post(`${base()}/queue/next`, { doctorId: 'me' }), 400, 'field_invalid', 'doctorId');
		expectError(await desk.get(`${base()}/queue?date=today`), 400, 'field_invalid', 'date');
		expectError(await pharmacist.post(`${base()}/queue/check-in`, { patientId: patients[4], idempotencyKey: key() }), 403, 'forbidden');
		const urdu = await desk.post(`${base()}/queue/check-in`, { patientId: patients[2], idempotencyKey: key() }, { headers: { 'accept-language': 'ur' } });
		expect(errorOf(urdu).message).toBe('یہ مریض آج کی قطار میں پہلے سے موجود ہے۔');
		expect(queueView.parse((await desk.get(`${base()}/queue`)).body).tokens.length).toBe(before);
	});

	it('answers 404 for another clinic’s queue, tokens and keys', async () => {
		const token = tokenView.parse((await desk.post(`${base()}/queue/check-in`, { patientId: patients[5], idempotencyKey: key() })).body);
		expectError(await outsider.get(`${base()}/queue`), 404, 'not_found');
		expectError(await outsider.post(`${base()}/queue/check-in`, { patientId: patients[4], idempotencyKey: key() }), 404, 'not_found');
		expectError(await outsider.post(`${base(clinicB.code)}/queue/${token.id}/skip`, {}), 404, 'not_found');
		const created = displayKeyCreatedView.parse((await admin.post(`${base()}/display-keys`, { name: 'Hall' })).body);
		expectError(await outsider.request('DELETE', `${base(clinicB.code)}/display-keys/${created.id}`), 404, 'not_found');
		expectError(await app.client().get(`${base()}/queue`), 401, 'unauthenticated');
	});

	it('creates, lists and revokes display keys (admins only), showing the key once', async () => {
		const res = await admin.post(`${base()}/display-keys`, { name: 'Waiting room 1' });
		expect(res.status).toBe(201);
		const created = displayKeyCreatedView.parse(res.body);
		expect(created.key).toMatch(/^[a-z2-7]{40}$/);
		const listed = displayKeysView.parse((await admin.get(`${base()}/display-keys`)).body);
		expect(listed.keys.find((k) => k.id === created.id)).toMatchObject({ name: 'Waiting room 1', revokedAt: null });
		expect(JSON.stringify(listed)).not.toContain(created.key);
		expectError(await desk.post(`${base()}/display-keys`, { name: 'Mine' }), 403, 'forbidden');
		expectError(await admin.post(`${base()}/display-keys`, { name: '' }), 400, 'field_required', 'name');
		const revoked = await admin.request('DELETE', `${base()}/display-keys/${created.id}`);
		expect(displayKeyView.parse(revoked.body).revokedAt).not.toBeNull();
		expectError(await admin.request('DELETE', `${base()}/display-keys/nope`), 404, 'not_found');
	});
});
