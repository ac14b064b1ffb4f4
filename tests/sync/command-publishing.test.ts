import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { documentName } from '../../src/lib/sync/protocol';
import { readProjection } from '../../src/lib/server/sync/projection';
import { documentsChanged } from '../../src/lib/server/sync/changes';
import { changeHub, clinicWide } from '../../src/lib/server/sync/publish';
import { sharedQueueDay } from '../../src/lib/server/sync/projections/queueDay';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { bookAppointmentOrSeries } from '../../src/lib/server/scheduling/bookSeries';
import { createAppointmentType, updateAppointmentType } from '../../src/lib/server/scheduling/appointmentTypes';
import { cancelAppointment, rescheduleAppointment } from '../../src/lib/server/scheduling/changeAppointment';
import { joinWaitlist } from '../../src/lib/server/scheduling/waitlist';
import { setStaffDuty } from '../../src/lib/server/tenancy/setStaffDuty';
import { addMember, changeMemberRole, setMemberStatus } from '../../src/lib/server/tenancy/members';
import { updateDoctorProfile } from '../../src/lib/server/tenancy/updateDoctorProfile';
import { updateClinicSettings } from '../../src/lib/server/tenancy/updateClinicSettings';
import { addClinicClosure, removeClinicClosure } from '../../src/lib/server/scheduling/setAvailability';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import type { TokenView } from '../../src/lib/server/queue/common';
import { callNext } from '../../src/lib/server/queue/callNext';
import { completeToken, markUrgent, recallToken, reorderToken, sendBackToken, skipToken } from '../../src/lib/server/queue/changeToken';
import { createRoom, setTodayRoom, updateRoom } from '../../src/lib/server/queue/rooms';
import { mergePatients } from '../../src/lib/server/patients/mergePatients';
import { createLinkCode } from '../../src/lib/server/patients/createLinkCode';
import { linkPatientAccount } from '../../src/lib/server/patients/linkPatientAccount';
import { unlinkPatientAccount } from '../../src/lib/server/patients/unlinkPatientAccount';
import { appUser, patient as patientRecord, projectionChange } from '../../src/lib/server/db/schema';
import { clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import { makeClinic, makeMember, makeSession, makeUser, middayTimeZone, rand } from '../factories';
import { ctxOf, key, makeAppointment, makePatient, queueScene } from '../integration/queueScene';
import { connect, eventually, startSync, type RunningSync } from './harness';
import { freshDatabase } from '../db';

/**
 * A command names the live documents it changed inside its own transaction and they are
 * published after commit, by the command, whoever called it (a route, a job, a test): nothing
 * here publishes by hand. What a process committed but never published (it stopped in between)
 * is published by the next start.
 */
let running: RunningSync;
let own: Awaited<ReturnType<typeof freshDatabase>>;
// A database of its own: on PostgreSQL every test file shares one, and another file's command may
// hold a committed change for the moment before it is published; this file counts them all.
beforeAll(async () => {
	own = await freshDatabase();
	running = await startSync({ database: own });
});
afterAll(async () => {
	await running.close();
	await own.drop();
});

const TZ = 'Asia/Karachi';
type Row = { id: string; start: string };
const appointmentsOf = (doc: import('yjs').Doc) => (readProjection(doc).appointments ?? []) as Row[];
const tokensOf = (doc: import('yjs').Doc) => (readProjection(doc).tokens ?? []) as { id: string }[];

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
		await eventually(
			() => appointmentsOf(dayOne.doc).map((r) => r.id),
			(ids) => ids.includes(booked.id)
		);

		// The command knows where the appointment was: the first day loses it, the second gains it.
		await rescheduleAppointment(db, desk, booked.id, { start: `${second}T11:00:00+05:00`, idempotencyKey: rand(8) });
		await eventually(
			() => appointmentsOf(dayTwo.doc).map((r) => r.id),
			(ids) => ids.includes(booked.id)
		);
		await eventually(
			() => appointmentsOf(dayOne.doc).map((r) => r.id),
			(ids) => !ids.includes(booked.id)
		);

		await joinWaitlist(db, desk, { patientId: patient.id, doctorId: doctor.id, note: 'mornings' });
		await eventually(
			() => JSON.stringify(readProjection(waitlist.doc)),
			(s) => s.includes('mornings')
		);
		expect(await db.select().from(projectionChange)).toEqual([]);
		for (const c of [dayOne, dayTwo, waitlist]) c.destroy();
	});

	it('shows the patient’s own list the desk’s confirmation and cancellation, with the reason, with no caller publishing', async () => {
		const { db } = running.database;
		const { doctor, desk, patient } = await clinicWithDoctor();
		const account = await makeUser(db, { kind: 'patient' });
		await db.update(patientRecord).set({ userId: account.id }).where(eq(patientRecord.id, patient.id));
		const day = clinicToday(TZ, new Date(Date.now() + 2 * 86_400_000));
		const mine = connect(running.url, documentName.patientAppointments(patient.id), { token: await makeSession(db, account.id) });
		expect(await mine.outcome).toBe('synced');
		type Entry = { id: string; status: string; cancellation: { cause: string; reason: string } | null };
		const listed = () => (readProjection(mine.doc).appointments ?? []) as Entry[];

		const booked = await bookAppointment(db, desk, { patientId: patient.id, doctorId: doctor.id, start: `${day}T10:00:00+05:00`, idempotencyKey: rand(8) });
		await eventually(listed, (rows) => rows.some((r) => r.id === booked.id));
		await cancelAppointment(db, desk, booked.id, { reason: 'Clinic flooded', idempotencyKey: rand(8) });
		await eventually(listed, (rows) => rows.some((r) => r.id === booked.id && r.status === 'cancelled' && r.cancellation?.reason === 'Clinic flooded'));
		expect(await db.select().from(projectionChange)).toEqual([]);
		mine.destroy();
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
		await setStaffDuty(
			db,
			{ clinicId: clinic.id, actor: { userId: admin.id, role: 'admin' } },
			{ userId: doctor.id, day: clinicToday(clinic.timezone), onDuty: true }
		);
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
			await eventually(
				() => JSON.stringify(readProjection(watcher.doc).staff),
				(s) => s.includes('After Crash')
			);
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
		await expect(
			bookAppointment(db, desk, { patientId: patient.id, doctorId: doctor.id, start: `${day}T03:00:00+05:00`, idempotencyKey: rand(8) })
		).rejects.toMatchObject({ status: 400 });
		expect(await db.select().from(projectionChange)).toEqual([]);
	});
});

/** Every name published while `act` ran (the in-process hub hears each publication), sorted. */
async function publishedBy(act: () => Promise<unknown>): Promise<string[]> {
	const heard: string[] = [];
	const listener = (names: string[]) => heard.push(...names);
	changeHub().listeners.add(listener);
	try {
		await act();
	} finally {
		changeHub().listeners.delete(listener);
	}
	return [...new Set(heard)].sort();
}

const sorted = (names: string[]) => [...new Set(names)].sort();

describe('queue, patient-link, tenancy and hours commands publish what they change', () => {
	it('a check-in, a call and every change of a token publish the day’s queue, display and the live documents of everyone in the line', async () => {
		const { db } = running.database;
		const s = await queueScene(db);
		const [first, second] = [await makePatient(db, s.home.id), await makePatient(db, s.home.id)];
		const inLine = (...patients: { id: string }[]) =>
			sorted([documentName.queue(s.home.id, s.day), documentName.display(s.home.id, s.day), ...patients.map((p) => documentName.patientLive(p.id))]);
		const checkIn = { patientId: first.id, doctorId: s.doctor.id, idempotencyKey: key() };
		const tokens: Record<'first' | 'second' | 'called', TokenView | null> = { first: null, second: null, called: null };
		const id = (which: keyof typeof tokens) => tokens[which]!.id;

		expect(await publishedBy(async () => (tokens.first = await checkInPatient(db, s.deskCtx, checkIn)))).toEqual(inLine(first));
		// A retry changes nothing, so it publishes nothing.
		expect(await publishedBy(() => checkInPatient(db, s.deskCtx, checkIn))).toEqual([]);
		expect(
			await publishedBy(
				async () => (tokens.second = await checkInPatient(db, s.deskCtx, { patientId: second.id, doctorId: s.doctor.id, idempotencyKey: key() }))
			)
		).toEqual(inLine(first, second));
		const steps: [string, () => Promise<unknown>][] = [
			['call next', () => callNext(db, s.doctorCtx, { doctorId: s.doctor.id, idempotencyKey: key() })],
			['recall', () => recallToken(db, s.doctorCtx, id('first'))],
			['send back', () => sendBackToken(db, s.doctorCtx, id('first'))],
			['urgent', () => markUrgent(db, s.deskCtx, id('second'), { reason: 'chest pain' })],
			['reorder', () => reorderToken(db, s.deskCtx, id('first'), { position: 0, reason: 'elderly' })],
			['skip', () => skipToken(db, s.deskCtx, id('second'))],
			['recall a skipped token', () => recallToken(db, s.deskCtx, id('second'))],
			['call next again', async () => (tokens.called = await callNext(db, s.doctorCtx, { doctorId: s.doctor.id, idempotencyKey: key() }))],
			['complete', () => completeToken(db, s.doctorCtx, id('called'), { idempotencyKey: key() })]
		];
		for (const [step, act] of steps) expect(await publishedBy(act), step).toEqual(inLine(first, second));
		expect(await db.select().from(projectionChange)).toEqual([]);
	});

	it('rebuilds from a read of the line begun after the commit, never one begun before it', async () => {
		const { db } = running.database;
		const s = await queueScene(db);
		const patient = await makePatient(db, s.home.id);
		const watcher = connect(running.url, documentName.queue(s.home.id, s.day), { token: await makeSession(db, s.desk.id) });
		expect(await watcher.outcome).toBe('synced');
		// Another rebuild (or a page) reads the day while the check-in runs; on PGlite the whole
		// check-in may finish within the same tick, where that read would otherwise be shared.
		const before = sharedQueueDay(db, s.home.id, s.day);
		const token = await checkInPatient(db, s.deskCtx, { patientId: patient.id, doctorId: s.doctor.id, idempotencyKey: key() });
		await before;
		await eventually(
			() => tokensOf(watcher.doc).map((t) => t.id),
			(ids) => ids.includes(token.id)
		);
		watcher.destroy();
	});

	it('a check-in against an appointment also publishes that day’s calendar and the waitlist', async () => {
		const { db } = running.database;
		const s = await queueScene(db);
		const patient = await makePatient(db, s.home.id);
		const booked = await makeAppointment(db, s.home.id, patient.id, s.doctor.id, new Date(Date.now() + 30 * 60_000));
		expect(await publishedBy(() => checkInPatient(db, s.deskCtx, { appointmentId: booked.id, idempotencyKey: key() }))).toEqual(
			sorted([
				documentName.queue(s.home.id, s.day),
				documentName.display(s.home.id, s.day),
				documentName.patientLive(patient.id),
				documentName.patientAppointments(patient.id),
				documentName.calendar(s.home.id, s.day),
				documentName.waitlist(s.home.id)
			])
		);
	});

	it('renaming a room and choosing today’s room publish today’s queue and display', async () => {
		const { db } = running.database;
		const s = await queueScene(db);
		const admin = ctxOf(s.home.id, (await makeMember(db, s.home.id, 'admin')).id, 'admin');
		const patient = await makePatient(db, s.home.id);
		await checkInPatient(db, s.deskCtx, { patientId: patient.id, doctorId: s.doctor.id, idempotencyKey: key() });
		const today = sorted([documentName.queue(s.home.id, s.day), documentName.display(s.home.id, s.day), documentName.patientLive(patient.id)]);
		const created = await createRoom(db, admin, { name: `Room ${rand(2)}` });
		expect(await publishedBy(() => setTodayRoom(db, s.deskCtx, { doctorId: s.doctor.id, roomId: created.id }))).toEqual(today);
		expect(await publishedBy(() => updateRoom(db, admin, created.id, { name: `Room ${rand(2)}` }))).toEqual(today);
	});

	it('a merge publishes the line it changed, the merged record’s live document and the calendar of the appointment it cancelled', async () => {
		const { db } = running.database;
		const s = await queueScene(db);
		const [survivor, duplicate] = [await makePatient(db, s.home.id), await makePatient(db, s.home.id)];
		const kept = await makeAppointment(db, s.home.id, survivor.id, s.doctor.id, new Date(Date.now() + 30 * 60_000));
		const dropped = await makeAppointment(db, s.home.id, duplicate.id, s.doctor.id, new Date(Date.now() + 60 * 60_000));
		await checkInPatient(db, s.deskCtx, { appointmentId: kept.id, idempotencyKey: key() });
		await checkInPatient(db, s.deskCtx, { appointmentId: dropped.id, idempotencyKey: key() });
		expect(await publishedBy(() => mergePatients(db, s.deskCtx, survivor.id, { mergeId: duplicate.id, reason: 'same person' }))).toEqual(
			sorted([
				documentName.queue(s.home.id, s.day),
				documentName.display(s.home.id, s.day),
				documentName.patientLive(survivor.id),
				documentName.patientLive(duplicate.id),
				documentName.patientAppointments(survivor.id),
				documentName.patientAppointments(duplicate.id),
				documentName.calendar(s.home.id, s.day),
				documentName.waitlist(s.home.id)
			])
		);
	});

	it('linking and unlinking an account publish the record’s live documents', async () => {
		const { db } = running.database;
		const s = await queueScene(db);
		const patient = await makePatient(db, s.home.id);
		const account = await makeUser(db, { kind: 'patient' });
		const { code } = await createLinkCode(db, s.deskCtx, patient.id);
		const own = sorted([documentName.patientLive(patient.id), documentName.patientAppointments(patient.id)]);
		expect(await publishedBy(() => linkPatientAccount(db, { id: account.id, kind: 'patient' }, { code }, '127.0.0.1'))).toEqual(own);
		expect(await publishedBy(() => unlinkPatientAccount(db, s.deskCtx, patient.id))).toEqual(own);
	});

	it('membership, profile, settings and hours commands publish every document of the clinic', async () => {
		const { db } = running.database;
		const s = await queueScene(db);
		const admin = ctxOf(s.home.id, (await makeMember(db, s.home.id, 'admin')).id, 'admin');
		const wide = [clinicWide(s.home.id)];
		const joined = await publishedBy(() =>
			addMember(db, admin, { name: 'Dr Newcomer', email: `new-${rand(4)}@clinic.test`, role: 'doctor', password: 'a long password 1' })
		);
		expect(joined).toEqual(wide);
		const closure = { date: clinicToday(s.home.timezone, new Date(Date.now() + 9 * 86_400_000)), reason: 'Eid' };
		let closureId = '';
		const steps: [string, () => Promise<unknown>][] = [
			['role', () => changeMemberRole(db, admin, s.desk.id, { role: 'pharmacist' })],
			['suspend', () => setMemberStatus(db, admin, s.desk.id, 'suspended')],
			['doctor profile', () => updateDoctorProfile(db, admin, s.doctor.id, { specialization: 'Paediatrics' })],
			['settings', () => updateClinicSettings(db, admin, { name: `Shifa ${rand(2)}`, require2fa: false })],
			['availability', () => setAvailability(db, admin, s.doctor.id, { weekly: [{ weekday: 1, start: '09:00', end: '13:00', slotMinutes: 15 }] })],
			['closure', async () => (closureId = (await addClinicClosure(db, admin, closure)).id)],
			['reopening', () => removeClinicClosure(db, admin, closureId)]
		];
		for (const [step, act] of steps) expect(await publishedBy(act), step).toEqual(wide);
		expect(await db.select().from(projectionChange)).toEqual([]);
	});

	it('publishes at the next start a check-in whose process stopped before publishing', async () => {
		const { db } = running.database;
		const s = await queueScene(db);
		const patient = await makePatient(db, s.home.id);
		const watcher = connect(running.url, documentName.queue(s.home.id, s.day), { token: await makeSession(db, s.desk.id) });
		expect(await watcher.outcome).toBe('synced');

		// The process stops between commit and publish: here the way out fails, so nothing is delivered and the record stays.
		const lost = async () => {
			throw new Error('connection lost');
		};
		changeHub().transports.add(lost);
		const checkedIn = await checkInPatient(db, s.deskCtx, { patientId: patient.id, doctorId: s.doctor.id, idempotencyKey: key() }).finally(() =>
			changeHub().transports.delete(lost)
		);
		const left = await db.select().from(projectionChange);
		expect(left.flatMap((row) => row.names)).toEqual(
			expect.arrayContaining([documentName.queue(s.home.id, s.day), documentName.display(s.home.id, s.day), documentName.patientLive(patient.id)])
		);

		const restarted = await startSync({ database: running.database });
		try {
			await eventually(
				() => tokensOf(watcher.doc).map((t) => t.id),
				(ids) => ids.includes(checkedIn.id)
			);
			expect(await db.select().from(projectionChange)).toEqual([]);
		} finally {
			await restarted.close();
			watcher.destroy();
		}
	});
});

describe('appointment types and recurring bookings publish what they change', () => {
	it('a series publishes the calendar of each of its days and the waitlist; a type publishes every document of the clinic only when its name or colour changes', async () => {
		const { db } = running.database;
		const { clinic, doctor, desk, patient } = await clinicWithDoctor();
		const days = [2, 9, 16].map((d) => clinicToday(TZ, new Date(Date.now() + d * 86_400_000)));
		const series = await publishedBy(() =>
			bookAppointmentOrSeries(db, desk, {
				patientId: patient.id,
				doctorId: doctor.id,
				start: `${days[0]}T10:00:00+05:00`,
				repeat: { everyDays: 7, count: 3 },
				idempotencyKey: rand(8)
			})
		);
		expect(series).toEqual(
			sorted([...days.map((day) => documentName.calendar(clinic.id, day)), documentName.waitlist(clinic.id), documentName.patientAppointments(patient.id)])
		);

		const admin = ctxOf(clinic.id, (await makeMember(db, clinic.id, 'admin')).id, 'admin');
		let typeId = '';
		expect(await publishedBy(async () => (typeId = (await createAppointmentType(db, admin, { name: 'Dressing', minutes: 30, color: '#0e7490' })).id))).toEqual(
			[]
		);
		expect(await publishedBy(() => updateAppointmentType(db, admin, typeId, { minutes: 45 }))).toEqual([]);
		expect(await publishedBy(() => updateAppointmentType(db, admin, typeId, { color: '#b42318' }))).toEqual([clinicWide(clinic.id)]);
		expect(await publishedBy(() => updateAppointmentType(db, admin, typeId, { name: 'Dressing change' }))).toEqual([clinicWide(clinic.id)]);
		expect(await db.select().from(projectionChange)).toEqual([]);
	});
});
