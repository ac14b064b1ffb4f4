import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { documentName } from '../../src/lib/sync/protocol';
import { readProjection } from '../../src/lib/server/sync/projection';
import { documentsChanged } from '../../src/lib/server/sync/changes';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { rescheduleAppointment } from '../../src/lib/server/scheduling/changeAppointment';
import { joinWaitlist } from '../../src/lib/server/scheduling/waitlist';
import { setStaffDuty } from '../../src/lib/server/tenancy/setStaffDuty';
import { appUser, projectionChange } from '../../src/lib/server/db/schema';
import { clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/members';
import { makeClinic, makeMember, makeSession, middayTimeZone, rand } from '../factories';
import { connect, eventually, startSync, type RunningSync } from './harness';

/**
 * A command names the live documents it changed inside its own transaction and they are
 * published after commit, by the command, whoever called it (a route, a job, a test): nothing
 * here publishes by hand. What a process committed but never published (it stopped in between)
 * is published by the next start.
 */
let running: RunningSync;
beforeAll(async () => {
	running = await startSync();
});
afterAll(() => running.close());

const TZ = 'Asia/Karachi';
type Row = { id: string; start: string };
const appointmentsOf = (doc: import('yjs').Doc) => (readProjection(doc).appointments ?? []) as Row[];

async function clinicWithDoctor() {
	const { db } = running.database;
	const clinic = await makeClinic(db, { timezone: TZ });
	const receptionist = await makeMember(db, clinic.id, 'reception');
	const doctor = await makeMember(db, clinic.id, 'doctor');
	const desk: ClinicContext = { clinicId: clinic.id, actor: { userId: receptionist.id, role: 'reception' } };
	const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00', slotMinutes: 15 }));
	await setAvailability(db, desk, doctor.id, { weekly });
	const result = await registerPatient(db, desk, { name: `Sana ${rand(3)}` }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('patient not created');
	return { clinic, doctor, desk, patient: result.patient };
}

describe('commands publish the live documents they change', () => {
	it('shows a booking and its move to another day on both days’ calendars, with no caller publishing', async () => {
		const { db } = running.database;
		const { clinic, doctor, desk, patient } = await clinicWithDoctor();
		const first = clinicToday(TZ, new Date(Date.now() + 2 * 86_400_000));
		const second = clinicToday(TZ, new Date(Date.now() + 3 * 86_400_000));
		const token = await makeSession(db, doctor.id);
		const dayOne = connect(running.url, documentName.calendar(clinic.id, first), { token });
		const dayTwo = connect(running.url, documentName.calendar(clinic.id, second), { token });
		const waitlist = connect(running.url, documentName.waitlist(clinic.id), { token });
		for (const c of [dayOne, dayTwo, waitlist]) expect(await c.outcome).toBe('synced');

		const booked = await bookAppointment(db, desk, { patientId: patient.id, doctorId: doctor.id, start: `${first}T10:00:00+05:00`, idempotencyKey: rand(8) });
		await eventually(() => appointmentsOf(dayOne.doc).map((r) => r.id), (ids) => ids.includes(booked.id));

		// The command knows where the appointment was: the first day loses it, the second gains it.
		await rescheduleAppointment(db, desk, booked.id, { start: `${second}T11:00:00+05:00`, idempotencyKey: rand(8) });
		await eventually(() => appointmentsOf(dayTwo.doc).map((r) => r.id), (ids) => ids.includes(booked.id));
		await eventually(() => appointmentsOf(dayOne.doc).map((r) => r.id), (ids) => !ids.includes(booked.id));

		await joinWaitlist(db, desk, { patientId: patient.id, doctorId: doctor.id, note: 'mornings' });
		await eventually(() => JSON.stringify(readProjection(waitlist.doc)), (s) => s.includes('mornings'));
		expect(await db.select().from(projectionChange)).toEqual([]);
		for (const c of [dayOne, dayTwo, waitlist]) c.destroy();
	});

	it('shows who is on duty when the desk marks it, with no caller publishing', async () => {
		const { db } = running.database;
		const clinic = await makeClinic(db, { timezone: middayTimeZone() });
		const admin = await makeMember(db, clinic.id, 'admin');
		const doctor = await makeMember(db, clinic.id, 'doctor');
		const staff = connect(running.url, documentName.staff(clinic.id), { token: await makeSession(db, admin.id) });
		expect(await staff.outcome).toBe('synced');
		const onDuty = () => JSON.stringify(readProjection(staff.doc).staff ?? []);
		const before = onDuty();
		await setStaffDuty(db, { clinicId: clinic.id, actor: { userId: admin.id, role: 'admin' } }, { userId: doctor.id, day: clinicToday(clinic.timezone), onDuty: true });
		await eventually(onDuty, (now) => now !== before);
		staff.destroy();
	});

	it('publishes at the next start what a process committed but never published', async () => {
		const { db } = running.database;
		const clinic = await makeClinic(db);
		const member = await makeMember(db, clinic.id, 'doctor', { name: 'Before Crash' });
		const name = documentName.staff(clinic.id);
		const watcher = connect(running.url, name, { token: await makeSession(db, member.id) });
		expect(await watcher.outcome).toBe('synced');

		// What a command leaves when its process dies right after commit: the change and its record, never published.
		await db.transaction(async (tx) => {
			await tx.update(appUser).set({ name: 'After Crash' }).where(eq(appUser.id, member.id));
			await documentsChanged(tx, [name]);
		});
		expect(await db.select().from(projectionChange)).toHaveLength(1);

		// The process starts again.
		const restarted = await startSync({ database: running.database });
		try {
			await eventually(() => JSON.stringify(readProjection(watcher.doc).staff), (s) => s.includes('After Crash'));
			expect(await db.select().from(projectionChange)).toEqual([]);
		} finally {
			await restarted.close();
			watcher.destroy();
		}
	});

	it('publishes nothing and records nothing when the command fails', async () => {
		const { db } = running.database;
		const { doctor, desk, patient } = await clinicWithDoctor();
		const day = clinicToday(TZ, new Date(Date.now() + 2 * 86_400_000));
		await expect(bookAppointment(db, desk, { patientId: patient.id, doctorId: doctor.id, start: `${day}T03:00:00+05:00`, idempotencyKey: rand(8) })).rejects.toMatchObject({ status: 400 });
		expect(await db.select().from(projectionChange)).toEqual([]);
	});
});
