import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, middayTimeZone, rand, twoClinicsWithStaff } from '../factories';
import { patient } from '../../src/lib/server/db/schema';
import { tokenView } from '../../src/lib/server/openapi/queue';
import { roomsView, roomView, todayRoomView } from '../../src/lib/server/openapi/rooms';

let app: App;
let clinicA: { id: string; code: string };
let doctorId: string;
let patientId: string;
let desk: ApiClient, doctor: ApiClient, admin: ApiClient, outsider: ApiClient;

const base = (code = clinicA.code) => `/api/v1/clinics/${code}`;

beforeAll(async () => {
	const people: Record<string, { email: string }> = {};
	app = await startApp({
		seed: async (db) => {
			const cast = await twoClinicsWithStaff(db, { timezone: middayTimeZone() });
			clinicA = cast.clinicA;
			doctorId = cast.doctor.id;
			Object.assign(people, { reception: cast.reception, doc: cast.doctor, admin: cast.admin, other: cast.outsider });
			const [row] = await db
				.insert(patient)
				.values({ clinicId: clinicA.id, refNo: 1, name: `Patient ${rand(2)}` })
				.returning();
			patientId = row.id;
		}
	});
	[desk, doctor, admin, outsider] = await Promise.all(['reception', 'doc', 'admin', 'other'].map((k) => signedIn(app, people[k].email, PASSWORD)));
});
afterAll(async () => {
	await app?.stop();
});

describe('rooms API', () => {
	it('lets an admin add, list, rename and archive rooms, and sends a call to the room given on call next', async () => {
		const made = await admin.post(`${base()}/rooms`, { name: 'Room 2' });
		expect(made.status).toBe(201);
		const room = roomView.parse(made.body);
		expect(room).toMatchObject({ name: 'Room 2', archived: false, inUse: false });
		expectError(await admin.post(`${base()}/rooms`, { name: 'ROOM 2' }), 409, 'room_name_taken', 'name');

		const listed = await desk.get(`${base()}/rooms`);
		expect(roomsView.parse(listed.body).rooms.map((r) => r.name)).toEqual(['Room 2']);

		await desk.post(`${base()}/queue/check-in`, { patientId, doctorId, idempotencyKey: `key-${rand(8)}` });
		const called = await doctor.post(`${base()}/queue/next`, { doctorId, roomId: room.id, idempotencyKey: `key-${rand(8)}` });
		expect(called.status).toBe(200);
		expect(tokenView.parse(called.body)).toMatchObject({ roomId: room.id, room: 'Room 2', status: 'with_doctor' });

		const today = await doctor.put(`${base()}/doctors/${doctorId}/today-room`, { roomId: null });
		expect(todayRoomView.parse(today.body)).toMatchObject({ doctorId, room: null });

		const renamed = await admin.patch(`${base()}/rooms/${room.id}`, { name: 'Room 2A', archived: true });
		expect(roomView.parse(renamed.body)).toMatchObject({ name: 'Room 2A', archived: true, inUse: true });
		expectError(await doctor.put(`${base()}/doctors/${doctorId}/today-room`, { roomId: room.id }), 400, 'room_archived', 'roomId');
	});

	it('refuses bad input, other roles and other clinics', async () => {
		expectError(await admin.post(`${base()}/rooms`, { name: '' }), 400, 'field_required', 'name');
		expectError(await admin.post(`${base()}/rooms`, { name: 'x'.repeat(61) }), 400, 'field_too_long', 'name');
		expectError(await desk.post(`${base()}/rooms`, { name: 'Room 7' }), 403, 'forbidden');
		expectError(await outsider.get(`${base()}/rooms`), 404, 'not_found');
		expectError(await admin.patch(`${base()}/rooms/not-an-id`, { name: 'Room 8' }), 404, 'not_found');
		expectError(await admin.patch(`${base()}/rooms/00000000-0000-4000-8000-000000000000`, { name: 'Room 8' }), 404, 'not_found');
		expectError(await doctor.post(`${base()}/queue/next`, { doctorId, roomId: 'nope' }), 400, 'field_invalid', 'roomId');
		expect(roomsView.parse((await admin.get(`${base()}/rooms`)).body).rooms.map((r) => r.name)).not.toContain('Room 7');
	});
});
