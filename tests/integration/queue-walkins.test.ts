import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, outboxEvent, queueToken } from '../../src/lib/server/db/schema';
import type { Db } from '../../src/lib/server/db';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { callNext } from '../../src/lib/server/queue/callNext';
import { completeToken, reorderToken, sendBackToken } from '../../src/lib/server/queue/changeToken';
import { createRoom } from '../../src/lib/server/queue/rooms';
import { updateDoctorProfile } from '../../src/lib/server/tenancy/updateDoctorProfile';
import { projectClinicDisplay } from '../../src/lib/server/sync/projections/display';
import { projectClinicQueue } from '../../src/lib/server/sync/projections/queue';
import { projectPatientLive } from '../../src/lib/server/sync/projections/patientLive';
import { queueView } from '../../src/lib/server/openapi/queue';
import type { DisplayContent, PatientLiveContent } from '../../src/lib/sync/contracts/queue';
import { testDatabase } from '../db';
import { makeMember } from '../factories';
import { ctxOf, key, makeAppointment, makePatient, queueScene } from './queueScene';

let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

/** A clinic with a desk, an admin and two doctors, each doctor in a usual room of their own. */
async function twoDoctors() {
	const scene = await queueScene(db);
	const second = await makeMember(db, scene.home.id, 'doctor');
	const adminCtx = ctxOf(scene.home.id, (await makeMember(db, scene.home.id, 'admin')).id, 'admin');
	const rooms = [await createRoom(db, adminCtx, { name: 'Room 1' }), await createRoom(db, adminCtx, { name: 'Room 2' })];
	await updateDoctorProfile(db, adminCtx, scene.doctor.id, { defaultRoomId: rooms[0].id });
	await updateDoctorProfile(db, adminCtx, second.id, { defaultRoomId: rooms[1].id });
	return { ...scene, second, secondCtx: ctxOf(scene.home.id, second.id, 'doctor'), rooms };
}

const walkIn = async (s: { home: { id: string }; deskCtx: ReturnType<typeof ctxOf> }, doctorId?: string) =>
	checkInPatient(db, s.deskCtx, { patientId: (await makePatient(db, s.home.id)).id, ...(doctorId ? { doctorId } : {}), idempotencyKey: key() });
const call = (ctx: ReturnType<typeof ctxOf>, doctorId: string) => callNext(db, ctx, { doctorId, idempotencyKey: crypto.randomUUID() });
/** What `GET …/queue` answers: the queue document through the API's view. */
const apiQueue = async (clinicId: string, day: string) => queueView.parse(await projectClinicQueue(db, { type: 'queue', clinicId, day }));
const display = async (clinicId: string, day: string) => (await projectClinicDisplay(db, { type: 'display', clinicId, day })) as DisplayContent;
const live = async (patientId: string) => ((await projectPatientLive(db, { type: 'patientLive', patientId })) as PatientLiveContent).queue;
const nearNotices = async (clinicId: string) =>
	(
		await db
			.select()
			.from(outboxEvent)
			.where(and(eq(outboxEvent.clinicId, clinicId), eq(outboxEvent.type, 'queue.almost_next')))
			.orderBy(outboxEvent.id)
	).map((e) => e.payload);

describe('the shared walk-in line', () => {
	it('keeps a walk-in for the next free doctor in the shared line, nobody’s, until a doctor calls it; then it is that doctor’s, in their room', async () => {
		const s = await twoDoctors();
		const mine = await walkIn(s, s.doctor.id);
		const shared = await walkIn(s);
		expect(shared.doctorId).toBeNull();

		const before = (await apiQueue(s.home.id, s.day)).tokens.find((t) => t.id === shared.id)!;
		expect(before).toMatchObject({ doctorId: null, status: 'waiting', room: null });
		// The TV: on its own, never as a doctor's next.
		const tv = await display(s.home.id, s.day);
		expect(tv.shared).toEqual([shared.token]);
		expect(tv.doctors.flatMap((d) => d.next)).toEqual([mine.token]);
		const patientId = (await db.select().from(queueToken).where(eq(queueToken.id, shared.id)))[0].patientId;
		expect(await live(patientId)).toMatchObject({ sharedLine: true, doctor: null, status: 'waiting', appointmentAt: null });

		// The second doctor, whose own line is empty, takes it.
		const called = await call(s.secondCtx, s.second.id);
		expect(called).toMatchObject({ id: shared.id, doctorId: s.second.id, roomId: s.rooms[1].id, room: 'Room 2' });
		const after = (await apiQueue(s.home.id, s.day)).tokens.find((t) => t.id === shared.id)!;
		expect(after).toMatchObject({ doctorId: s.second.id, status: 'with_doctor', room: 'Room 2' });
		const [row] = await db.select().from(queueToken).where(eq(queueToken.id, shared.id));
		expect(row).toMatchObject({ doctorId: s.second.id, calledBy: s.second.id, roomId: s.rooms[1].id });
		const [audited] = await db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.clinicId, s.home.id), eq(auditLog.action, 'queue.call')));
		expect(audited.data).toMatchObject({ doctorId: s.second.id, fromSharedLine: true });
		expect((await display(s.home.id, s.day)).shared).toEqual([]);
		expect(await live(patientId)).toMatchObject({ sharedLine: false, doctor: expect.any(String), room: 'Room 2' });

		// Sent back, it waits in that doctor's line (where its open visit is), not the shared one.
		await sendBackToken(db, s.secondCtx, shared.id);
		expect((await display(s.home.id, s.day)).shared).toEqual([]);
		expect((await apiQueue(s.home.id, s.day)).tokens.find((t) => t.id === shared.id)).toMatchObject({ doctorId: s.second.id, status: 'waiting' });
	});

	it('gives a doctor the shared walk-in who came before their own, by the same arrival order', async () => {
		const s = await twoDoctors();
		const shared = await walkIn(s);
		const own = await walkIn(s, s.doctor.id);
		expect((await call(s.doctorCtx, s.doctor.id)).id).toBe(shared.id);
		await completeToken(db, s.doctorCtx, shared.id, { idempotencyKey: crypto.randomUUID() });
		expect((await call(s.doctorCtx, s.doctor.id)).id).toBe(own.id);
		// Nobody left for the other doctor: a colleague's own walk-in is never theirs.
		await expect(call(s.secondCtx, s.second.id)).rejects.toMatchObject({ code: 'queue_empty' });
	});

	it('never gives one shared walk-in to two doctors pressing “call next” at the same instant', async () => {
		for (let round = 0; round < 4; round++) {
			const s = await twoDoctors();
			const only = await walkIn(s);
			const outcomes = await Promise.allSettled([call(s.doctorCtx, s.doctor.id), call(s.secondCtx, s.second.id)]);
			const won = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
			const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
			expect(won.map((t) => t.id)).toEqual([only.id]);
			expect(lost).toMatchObject([{ code: 'queue_empty' }]);
			const [row] = await db.select().from(queueToken).where(eq(queueToken.id, only.id));
			expect(row.doctorId).toBe(won[0].doctorId);
			expect(row.callCount).toBe(1);

			// Two shared walk-ins: one each, the first to whoever's call went first.
			const [a, b] = [await walkIn(s), await walkIn(s)];
			await completeToken(db, won[0].doctorId === s.doctor.id ? s.doctorCtx : s.secondCtx, only.id, { idempotencyKey: crypto.randomUUID() });
			const both = await Promise.all([call(s.doctorCtx, s.doctor.id), call(s.secondCtx, s.second.id)]);
			expect(both.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
			expect(new Set(both.map((t) => t.doctorId))).toEqual(new Set([s.doctor.id, s.second.id]));
		}
	});

	it('lets the desk reorder the shared line, which stays shared; doctors may not', async () => {
		const s = await twoDoctors();
		const first = await walkIn(s);
		const second = await walkIn(s);
		await expect(reorderToken(db, s.doctorCtx, second.id, { position: 0, reason: 'x' })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(reorderToken(db, s.deskCtx, second.id, { position: -1, reason: 'x' })).rejects.toMatchObject({ field: 'position' });
		await reorderToken(db, s.deskCtx, second.id, { position: 0, reason: 'Frail, cannot stand long' });
		expect((await display(s.home.id, s.day)).shared).toEqual([second.token, first.token]);
		expect((await apiQueue(s.home.id, s.day)).tokens.filter((t) => t.status === 'waiting').map((t) => t.doctorId)).toEqual([null, null]);
		expect((await call(s.secondCtx, s.second.id)).id).toBe(second.id);
	});

	it('sends “nearly your turn” to shared walk-ins without naming a doctor', async () => {
		const s = await twoDoctors();
		const shared = await walkIn(s);
		expect(await nearNotices(s.home.id)).toEqual([expect.objectContaining({ tokenId: shared.id, doctorId: null, ahead: 0 })]);
	});
});

describe('honest position and estimate', () => {
	it('predicts and calls walk-ins before a patient who came hours early, tells them their appointment time, and says “nearly your turn” only when it is', async () => {
		const s = await queueScene(db);
		const start = new Date(Date.now() + 2 * 3_600_000);
		const early = await makePatient(db, s.home.id);
		const appt = await makeAppointment(db, s.home.id, early.id, s.doctor.id, start);
		const earlyToken = await checkInPatient(db, s.deskCtx, { appointmentId: appt.id, idempotencyKey: key() });
		expect(earlyToken.arrival).toBe('early');
		// Alone and hours early: not "nearly your turn", and the estimate is their appointment time.
		expect(await nearNotices(s.home.id)).toEqual([]);
		const alone = await live(early.id);
		expect(alone).toMatchObject({ status: 'waiting', appointmentAt: start.toISOString() });
		expect(alone!.waitMinutes).toBeGreaterThanOrEqual(119);

		const walkIns = [await walkIn(s, s.doctor.id), await walkIn(s)];
		const queue = await apiQueue(s.home.id, s.day);
		const waiting = queue.tokens.filter((t) => t.status === 'waiting').sort((a, b) => a.order! - b.order!);
		expect(waiting.map((t) => t.id)).toEqual([...walkIns.map((t) => t.id), earlyToken.id]);
		const earlyRow = waiting.find((t) => t.id === earlyToken.id)!;
		expect(Date.parse(earlyRow.estimatedCallAt!)).toBeGreaterThanOrEqual(start.getTime());
		expect(await live(early.id)).toMatchObject({ appointmentAt: start.toISOString(), ahead: 2 });
		// The walk-ins were told; the early patient was not.
		expect((await nearNotices(s.home.id)).map((p) => p.tokenId)).toEqual(walkIns.map((t) => t.id));

		// The doctor calls: the walk-ins first, as predicted (each seen for a quarter of an hour).
		for (const expected of walkIns) {
			const called = await callNext(db, s.doctorCtx, { doctorId: s.doctor.id, idempotencyKey: crypto.randomUUID() }, new Date(Date.now() - 15 * 60_000));
			expect(called.id).toBe(expected.id);
			await completeToken(db, s.doctorCtx, called.id, { idempotencyKey: crypto.randomUUID() });
		}
		expect((await nearNotices(s.home.id)).map((p) => p.tokenId)).not.toContain(earlyToken.id);

		// Ten minutes before the appointment a walk-in arrives: it goes first, and the early patient is now really next.
		const tenBefore = new Date(start.getTime() - 10 * 60_000);
		const last = await checkInPatient(db, s.deskCtx, { patientId: (await makePatient(db, s.home.id)).id, idempotencyKey: key() }, tenBefore);
		const notices = await nearNotices(s.home.id);
		expect(notices.map((p) => p.tokenId)).toEqual([...walkIns.map((t) => t.id), last.id, earlyToken.id]);
		expect(notices.at(-1)).toMatchObject({ doctorId: s.doctor.id, ahead: 1 });
		expect(notices.at(-1)!.waitMinutes).toBeGreaterThanOrEqual(10);
		expect((await call(s.doctorCtx, s.doctor.id)).id).toBe(last.id);
	});

	it('still calls an early patient when nobody else waits, though their estimate was their appointment time', async () => {
		const s = await queueScene(db);
		const early = await makePatient(db, s.home.id);
		const appt = await makeAppointment(db, s.home.id, early.id, s.doctor.id, new Date(Date.now() + 3_600_000));
		const token = await checkInPatient(db, s.deskCtx, { appointmentId: appt.id, idempotencyKey: key() });
		expect((await call(s.doctorCtx, s.doctor.id)).id).toBe(token.id);
	});
});
