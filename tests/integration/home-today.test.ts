import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeMember } from '../factories';
import { ctxOf, key, makeAppointment, makePatient, queueScene } from './queueScene';
import { homeToday, setupChecklist } from '../../src/lib/server/home/today';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { callNext } from '../../src/lib/server/queue/callNext';
import { createRoom } from '../../src/lib/server/queue/rooms';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { appointment, displayKey, outboxEvent } from '../../src/lib/server/db/schema';
import type { Db } from '../../src/lib/server/db';

let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

/**
 * A clinic at noon: two patients booked for later, one walk-in for the doctor, one for the
 * next free doctor, one booked patient already called in; then each role's home reads its day.
 */
async function busyMorning() {
	const scene = await queueScene(db);
	const { home, doctor, deskCtx, doctorCtx, day } = scene;
	const admin = await makeMember(db, home.id, 'admin');
	const pharmacist = await makeMember(db, home.id, 'pharmacist');
	const hour = 3_600_000;
	const [early, later, walkIn, shared, called] = await Promise.all(['Amina', 'Bilal', 'Chand', 'Dua', 'Ehsan'].map((n) => makePatient(db, home.id, n)));
	const laterToday = await makeAppointment(db, home.id, later.id, doctor.id, new Date(Date.now() + 2 * hour));
	await makeAppointment(db, home.id, early.id, doctor.id, new Date(Date.now() + hour));
	const calledAppointment = await makeAppointment(db, home.id, called.id, doctor.id, new Date(Date.now() - 10 * 60_000));
	await makeAppointment(db, home.id, (await makePatient(db, home.id, 'Fiza')).id, doctor.id, new Date(Date.now() - 2 * hour));
	const missed = await makeAppointment(db, home.id, (await makePatient(db, home.id, 'Ghazal')).id, doctor.id, new Date(Date.now() - 3 * hour));
	await db.update(appointment).set({ status: 'no_show' }).where(eq(appointment.id, missed.id));
	await checkInPatient(db, deskCtx, { appointmentId: calledAppointment.id, idempotencyKey: key() });
	await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: key() });
	await checkInPatient(db, deskCtx, { patientId: walkIn.id, doctorId: doctor.id, idempotencyKey: key() });
	await checkInPatient(db, deskCtx, { patientId: shared.id, idempotencyKey: key() });
	return {
		...scene,
		admin,
		pharmacist,
		laterToday,
		adminCtx: ctxOf(home.id, admin.id, 'admin'),
		pharmacistCtx: ctxOf(home.id, pharmacist.id, 'pharmacist'),
		day
	};
}

describe('each role’s home shows its day', () => {
	it('a doctor sees who waits for them, the shared line and their next appointments, and nothing of the desk or the numbers', async () => {
		const s = await busyMorning();
		const today = await homeToday(db, s.doctorCtx, s.home, s.day);
		expect(today.desk).toBeNull();
		expect(today.admin).toBeNull();
		expect(today.doctor?.withDoctor?.patientName).toBe('Ehsan');
		expect(today.doctor?.waiting.map((t) => t.patientName)).toContain('Chand');
		expect(today.doctor?.waiting.map((t) => t.patientName)).not.toContain('Ehsan');
		expect(today.doctor?.next.map((a) => a.patientName)).toEqual(['Amina', 'Bilal']);
	});

	it('reception sees arrivals expected and the counts of the line, and no clinic numbers', async () => {
		const s = await busyMorning();
		const today = await homeToday(db, s.deskCtx, s.home, s.day);
		expect(today.doctor).toBeNull();
		expect(today.admin).toBeNull();
		expect(today.desk?.expected.map((a) => a.patientName)).toEqual(expect.arrayContaining(['Amina', 'Bilal', 'Fiza']));
		expect(today.desk?.expected.map((a) => a.patientName)).not.toContain('Ehsan');
		expect(today.desk).toMatchObject({ checkedIn: 3, waiting: 2, withDoctor: 1, seen: 0 });
	});

	it('an admin sees today’s numbers, the wait so far and failing notifications, and the desk', async () => {
		const s = await busyMorning();
		await db.insert(outboxEvent).values({ clinicId: s.home.id, type: 'appointment.booked', payload: {}, failedAt: new Date(), lastError: 'smtp down' });
		const today = await homeToday(db, s.adminCtx, s.home, s.day);
		expect(today.admin).toMatchObject({ appointments: 5, arrivals: 3, noShows: 1, seen: 0, failedNotifications: 1 });
		expect(today.admin?.medianWaitMinutes).toBe(0);
		expect(today.desk).not.toBeNull();
		expect(today.doctor).toBeNull();
	});

	it('a pharmacist’s home shows none of the patients’ day', async () => {
		const s = await busyMorning();
		expect(await homeToday(db, s.pharmacistCtx, s.home, s.day)).toMatchObject({ doctor: null, desk: null, admin: null });
	});

	it('a new clinic’s setup checklist ticks itself as doctors, hours, rooms, a screen and a patient arrive', async () => {
		const s = await queueScene(db);
		const fresh = await makeMember(db, s.home.id, 'admin');
		const adminCtx = ctxOf(s.home.id, fresh.id, 'admin');
		// The scene has a doctor already; nothing else.
		expect(await setupChecklist(db, s.home.id)).toEqual({ doctors: true, hours: false, rooms: false, display: false, patient: false });
		await setAvailability(db, adminCtx, s.doctor.id, { weekly: [{ weekday: 1, start: '09:00', end: '13:00', slotMinutes: 15 }] });
		await createRoom(db, adminCtx, { name: 'Room 1', idempotencyKey: key() });
		await db.insert(displayKey).values({ clinicId: s.home.id, name: 'TV', keyHash: key() });
		await makePatient(db, s.home.id);
		expect(await setupChecklist(db, s.home.id)).toEqual({ doctors: true, hours: true, rooms: true, display: true, patient: true });
	});
});
