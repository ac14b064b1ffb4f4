import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { doctorProfile, queueToken, room } from '../../src/lib/server/db/schema';
import type { Db } from '../../src/lib/server/db';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { callNext } from '../../src/lib/server/queue/callNext';
import { completeToken } from '../../src/lib/server/queue/changeToken';
import { createRoom, listRooms, setTodayRoom, updateRoom } from '../../src/lib/server/queue/rooms';
import { updateDoctorProfile } from '../../src/lib/server/tenancy/updateDoctorProfile';
import { projectClinicDisplay } from '../../src/lib/server/sync/projections/display';
import { projectClinicQueue } from '../../src/lib/server/sync/projections/queue';
import { projectPatientLive } from '../../src/lib/server/sync/projections/patientLive';
import { testDatabase } from '../db';
import { makeMember } from '../factories';
import { ctxOf, key, makePatient, queueScene } from './queueScene';

let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

/** The queue scene with an admin too, who manages rooms. */
async function setting() {
	const scene = await queueScene(db);
	const admin = await makeMember(db, scene.home.id, 'admin');
	return { ...scene, adminCtx: ctxOf(scene.home.id, admin.id, 'admin') };
}

type DisplayRow = { doctor: string; room: string | null; nowServing: string | null };
const displayRows = async (clinicId: string, day: string) => (await projectClinicDisplay(db, { type: 'display', clinicId, day })).doctors as DisplayRow[];

describe('rooms', () => {
	it('lets an admin add, rename, archive and bring back rooms; names in use are unique, ignoring case', async () => {
		const { home, adminCtx, deskCtx } = await setting();
		const two = await createRoom(db, adminCtx, { name: 'Room 2' });
		await createRoom(db, adminCtx, { name: 'Dental chair' });
		await expect(createRoom(db, adminCtx, { name: 'room 2' })).rejects.toMatchObject({ code: 'room_name_taken', status: 409, field: 'name' });
		await expect(createRoom(db, deskCtx, { name: 'Room 9' })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(createRoom(db, adminCtx, { name: '   ' })).rejects.toMatchObject({ status: 400, field: 'name' });
		expect((await listRooms(db, home.id)).map((r) => r.name)).toEqual(['Dental chair', 'Room 2']);

		await updateRoom(db, adminCtx, two.id, { archived: true });
		// Archived, its name is free again; bringing it back while another uses the name is refused.
		await createRoom(db, adminCtx, { name: 'Room 2' });
		await expect(updateRoom(db, adminCtx, two.id, { archived: false })).rejects.toMatchObject({ code: 'room_name_taken' });
		const renamed = await updateRoom(db, adminCtx, two.id, { name: 'Room 2 (old)', archived: false });
		expect(renamed).toMatchObject({ name: 'Room 2 (old)', archived: false });
		await expect(updateRoom(db, adminCtx, two.id, {})).rejects.toMatchObject({ status: 400 });
		await expect(updateRoom(db, adminCtx, 'not-a-room', { name: 'X' })).rejects.toMatchObject({ status: 404 });
		const other = await setting();
		await expect(updateRoom(db, other.adminCtx, two.id, { name: 'Mine now' })).rejects.toMatchObject({ status: 404 });
		expect(await db.select().from(room).where(eq(room.id, two.id))).toMatchObject([{ name: 'Room 2 (old)', clinicId: home.id }]);
	});

	it('sends a called patient to the doctor’s usual room, or today’s room, and shows “token → room” on the display', async () => {
		const { home, doctor, adminCtx, deskCtx, doctorCtx, day } = await setting();
		const usual = await createRoom(db, adminCtx, { name: 'Room 2' });
		const today = await createRoom(db, adminCtx, { name: 'Room 5' });
		await updateDoctorProfile(db, adminCtx, doctor.id, { defaultRoomId: usual.id });
		const [first, second, third] = await Promise.all([makePatient(db, home.id), makePatient(db, home.id), makePatient(db, home.id)]);
		for (const p of [first, second, third]) await checkInPatient(db, deskCtx, { patientId: p.id, doctorId: doctor.id, idempotencyKey: key() });

		const called = await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() });
		expect(called).toMatchObject({ roomId: usual.id, room: 'Room 2' });
		expect(await displayRows(home.id, day)).toMatchObject([{ room: 'Room 2', nowServing: called.token }]);

		// The doctor moves for the day: the patient with them stays where they were called to.
		await setTodayRoom(db, doctorCtx, { doctorId: doctor.id, roomId: today.id });
		expect(await displayRows(home.id, day)).toMatchObject([{ room: 'Room 2', nowServing: called.token }]);
		await completeToken(db, doctorCtx, called.id, { idempotencyKey: crypto.randomUUID() });
		expect(await displayRows(home.id, day)).toMatchObject([{ room: 'Room 5', nowServing: null }]);
		const next = await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() });
		expect(next).toMatchObject({ roomId: today.id, room: 'Room 5' });
		await completeToken(db, doctorCtx, next.id, { idempotencyKey: crypto.randomUUID() });

		// Call next with a room sets the room for the rest of the day too.
		const last = await callNext(db, doctorCtx, { doctorId: doctor.id, roomId: usual.id, idempotencyKey: crypto.randomUUID() });
		expect(last.room).toBe('Room 2');
		const queue = await projectClinicQueue(db, { type: 'queue', clinicId: home.id, day });
		expect(queue.doctors).toMatchObject([{ id: doctor.id, room: { id: usual.id, name: 'Room 2' } }]);
		expect(queue.tokens).toEqual(expect.arrayContaining([expect.objectContaining({ id: next.id, room: 'Room 5' })]));
		expect(await projectPatientLive(db, { type: 'patientLive', patientId: third.id })).toMatchObject({ queue: { status: 'with_doctor', room: 'Room 2' } });
		// The display never carries personal data, only names of rooms and doctors and token labels.
		expect(JSON.stringify(await projectClinicDisplay(db, { type: 'display', clinicId: home.id, day }))).not.toContain(third.name);
	});

	it('refuses archived, foreign and unknown rooms and other doctors’ rooms, changing nothing', async () => {
		const { home, doctor, adminCtx, deskCtx, doctorCtx, day } = await setting();
		const colleague = await makeMember(db, home.id, 'doctor');
		const archived = await createRoom(db, adminCtx, { name: 'Old room' });
		const usual = await createRoom(db, adminCtx, { name: 'Room 1' });
		await updateDoctorProfile(db, adminCtx, doctor.id, { defaultRoomId: usual.id });
		await updateRoom(db, adminCtx, archived.id, { archived: true });
		const foreign = await createRoom(db, (await setting()).adminCtx, { name: 'Elsewhere' });
		await expect(setTodayRoom(db, doctorCtx, { doctorId: doctor.id, roomId: archived.id })).rejects.toMatchObject({ code: 'room_archived', field: 'roomId' });
		await expect(setTodayRoom(db, doctorCtx, { doctorId: doctor.id, roomId: foreign.id })).rejects.toMatchObject({ code: 'field_invalid', field: 'roomId' });
		await expect(setTodayRoom(db, doctorCtx, { doctorId: colleague.id, roomId: usual.id })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(setTodayRoom(db, doctorCtx, { doctorId: doctor.id, roomId: 'nope' })).rejects.toMatchObject({ status: 400 });
		await expect(updateDoctorProfile(db, adminCtx, doctor.id, { defaultRoomId: archived.id })).rejects.toMatchObject({
			code: 'room_archived',
			field: 'defaultRoomId'
		});
		const p = await makePatient(db, home.id);
		await checkInPatient(db, deskCtx, { patientId: p.id, doctorId: doctor.id, idempotencyKey: key() });
		await expect(callNext(db, doctorCtx, { doctorId: doctor.id, roomId: foreign.id, idempotencyKey: crypto.randomUUID() })).rejects.toMatchObject({
			field: 'roomId'
		});
		// Nothing changed: still waiting, still the usual room.
		expect(await db.select({ status: queueToken.status }).from(queueToken).where(eq(queueToken.patientId, p.id))).toEqual([{ status: 'waiting' }]);
		expect((await setTodayRoom(db, deskCtx, { doctorId: doctor.id, roomId: null })).room).toEqual({ id: usual.id, name: 'Room 1' });

		// Archiving a doctor's usual room clears it: nobody is sent to a room no longer in use.
		await updateRoom(db, adminCtx, usual.id, { archived: true });
		expect(await db.select({ room: doctorProfile.defaultRoomId }).from(doctorProfile).where(eq(doctorProfile.userId, doctor.id))).toEqual([{ room: null }]);
		expect(await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() })).toMatchObject({ roomId: null, room: null });
		expect(await displayRows(home.id, day)).toMatchObject([{ room: null }]);
	});
});
