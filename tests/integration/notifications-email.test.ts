import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDatabase } from '../db';
import { makeClinic, makeMember, makeUser, rand } from '../factories';
import { captureLog, startSmtpServer, type SmtpTestServer } from '../notifications';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { cancelAppointment } from '../../src/lib/server/scheduling/changeAppointment';
import { joinWaitlist } from '../../src/lib/server/scheduling/waitlist';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { callNext } from '../../src/lib/server/queue/callNext';
import { createRoom } from '../../src/lib/server/queue/rooms';
import { outboxEvent, patient } from '../../src/lib/server/db/schema';
import { parseEnv } from '../../src/lib/server/env';
import { startNotificationDelivery } from '../../src/lib/server/notifications';
import { clinicToday } from '../../src/lib/time';
import type { Clinic } from '../../src/lib/server/db/schema';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';
import type { OutboxWorker } from '../../src/lib/server/notifications/worker';

const TZ = 'Asia/Karachi';
const ORIGIN = 'https://clinic.example.org';
let database: Database & { drop(): Promise<void> };
let smtp: SmtpTestServer;
let home: Clinic;
let desk: ClinicContext;
let doctorCtx: ClinicContext;
let doctorId: string;
let worker: OutboxWorker;

// Counted from when the file started, so a run across the clinic's midnight still names the same days throughout.
const started = Date.now();
const dayAhead = (days: number) => clinicToday(TZ, new Date(started + days * 86_400_000));
const key = () => rand(8);

async function makePatient(values: Record<string, unknown>) {
	const result = await registerPatient(database.db, desk, { name: `Patient ${rand(3)}`, ...values }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('not created');
	return result.patient;
}

const eventsOf = (type: string, patientId: string) =>
	database.db
		.select()
		.from(outboxEvent)
		.where(eq(outboxEvent.type, type))
		.then((rows) => rows.filter((r) => r.payload.patientId === patientId));

/** Time passes for one event: its retry is due now. */
const makeDue = (id: number) =>
	database.db
		.update(outboxEvent)
		.set({ availableAt: new Date(Date.now() - 1000) })
		.where(eq(outboxEvent.id, id));

const mailTo = (address: string) => smtp.messages.filter((m) => m.to && !Array.isArray(m.to) && m.to.value.some((v) => v.address === address));

beforeAll(async () => {
	database = await freshDatabase();
	smtp = await startSmtpServer();
	home = await makeClinic(database.db, { timezone: TZ, name: 'Shifa Clinic' });
	const receptionist = await makeMember(database.db, home.id, 'reception');
	const doctor = await makeMember(database.db, home.id, 'doctor', { name: 'Dr Ayesha Khan' });
	doctorId = doctor.id;
	desk = { clinicId: home.id, actor: { userId: receptionist.id, role: 'reception' } };
	doctorCtx = { clinicId: home.id, actor: { userId: doctor.id, role: 'doctor' } };
	const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:45', slotMinutes: 15 }));
	await setAvailability(database.db, desk, doctorId, { weekly });
	const { log } = captureLog();
	worker = startNotificationDelivery(database.db, parseEnv({ SMTP_URL: smtp.url, ORIGIN, MAIL_FROM: 'Shifa <desk@shifa.example>' }), log, {
		autostart: false,
		maxAttempts: 3
	});
});

afterAll(async () => {
	await worker?.stop();
	await smtp?.close();
	await database?.drop();
});

describe('appointment emails', () => {
	it('sends an Urdu patient the booking in Urdu, with a link to /me and the calendar file', async () => {
		const p = await makePatient({ email: `urdu-${rand(3)}@example.test`, preferredLanguage: 'ur' });
		const booked = await bookAppointment(database.db, desk, { patientId: p.id, doctorId, start: `${dayAhead(3)}T10:00:00+05:00`, idempotencyKey: key() });
		await worker.runOnce();
		const [mail] = mailTo(p.email!);
		expect(mail, 'the email arrived').toBeDefined();
		expect(mail.subject).toMatch(/^اپوائنٹمنٹ بک ہو گئی: /);
		expect(mail.from?.text).toContain('desk@shifa.example');
		expect(mail.text).toContain('Dr Ayesha Khan');
		expect(mail.text).toContain('Shifa Clinic');
		expect(mail.text).toContain(`${ORIGIN}/me`);
		expect(mail.text).toContain(booked.ref);
		expect(mail.html).toContain('dir="rtl"');
		expect(mail.html).toContain(`href="${ORIGIN}/me"`);
		expect(mail.attachments).toHaveLength(1);
		expect(mail.attachments[0].filename).toBe(`${booked.ref}.ics`);
		expect(mail.attachments[0].contentType).toBe('text/calendar');
		const ics = mail.attachments[0].content.toString('utf8');
		expect(ics).toContain(`UID:${booked.id}@tabeeb`);
		expect(ics).toContain('STATUS:CONFIRMED');
		const [event] = await eventsOf('appointment.booked', p.id);
		expect(event).toMatchObject({ attempts: 1, deliveredTo: ['email'], lastError: null, failedAt: null });
		expect(event.processedAt).toBeInstanceOf(Date);
	});

	it('writes to the linked account’s address, in English, and a cancellation carries a cancelled calendar entry', async () => {
		const account = await makeUser(database.db, { kind: 'patient', email: `account-${rand(3)}@example.test` });
		const p = await makePatient({ email: `record-${rand(3)}@example.test`, preferredLanguage: 'en' });
		await database.db.update(patient).set({ userId: account.id }).where(eq(patient.id, p.id));
		const booked = await bookAppointment(database.db, desk, { patientId: p.id, doctorId, start: `${dayAhead(4)}T11:00:00+05:00`, idempotencyKey: key() });
		await cancelAppointment(database.db, desk, booked.id, { reason: 'Doctor away', idempotencyKey: crypto.randomUUID() });
		await worker.runOnce();
		expect(mailTo(p.email!)).toEqual([]);
		const mails = mailTo(account.email);
		expect(mails.map((m) => m.subject?.split(':')[0]).sort()).toEqual(['Appointment booked', 'Appointment cancelled']);
		const cancelled = mails.find((m) => m.subject?.startsWith('Appointment cancelled'))!;
		expect(cancelled.text).toContain('has been cancelled');
		expect(cancelled.html).toContain('dir="ltr"');
		expect(cancelled.attachments[0].content.toString('utf8')).toContain('STATUS:CANCELLED');
	});
});

describe('when the SMTP server fails', () => {
	it('keeps the event, records the error and tries again later; the retry delivers it once', async () => {
		const p = await makePatient({ email: `retry-${rand(3)}@example.test` });
		smtp.refuseWith = 'Mailbox busy, try later';
		try {
			await bookAppointment(database.db, desk, { patientId: p.id, doctorId, start: `${dayAhead(5)}T09:00:00+05:00`, idempotencyKey: key() });
			await worker.runOnce();
		} finally {
			smtp.refuseWith = null;
		}
		const [failed] = await eventsOf('appointment.booked', p.id);
		expect(failed).toMatchObject({ attempts: 1, processedAt: null, failedAt: null, deliveredTo: [] });
		expect(failed.lastError).toMatch(/^email: .*451/);
		expect(failed.availableAt.getTime()).toBeGreaterThan(Date.now() + 10_000);
		// Not due yet: another pass leaves it alone.
		await worker.runOnce();
		expect(mailTo(p.email!)).toEqual([]);
		await makeDue(failed.id);
		await worker.runOnce();
		expect(mailTo(p.email!)).toHaveLength(1);
		const [delivered] = await eventsOf('appointment.booked', p.id);
		expect(delivered).toMatchObject({ attempts: 2, deliveredTo: ['email'] });
		expect(delivered.processedAt).toBeInstanceOf(Date);
	});

	it('gives up after the last attempt and marks the event failed, never to be tried again', async () => {
		const p = await makePatient({ email: `doomed-${rand(3)}@example.test` });
		smtp.refuseWith = 'Mailbox unavailable';
		try {
			await bookAppointment(database.db, desk, { patientId: p.id, doctorId, start: `${dayAhead(5)}T10:00:00+05:00`, idempotencyKey: key() });
			for (let attempt = 1; attempt <= 3; attempt++) {
				const [event] = await eventsOf('appointment.booked', p.id);
				await makeDue(event.id);
				await worker.runOnce();
			}
		} finally {
			smtp.refuseWith = null;
		}
		const [event] = await eventsOf('appointment.booked', p.id);
		expect(event).toMatchObject({ attempts: 3, processedAt: null });
		expect(event.failedAt).toBeInstanceOf(Date);
		expect(event.lastError).toContain('Mailbox unavailable');
		await makeDue(event.id);
		await worker.runOnce();
		expect(mailTo(p.email!)).toEqual([]);
		expect((await eventsOf('appointment.booked', p.id))[0].attempts).toBe(3);
	});
});

describe('queue and waiting-list notices', () => {
	it('tells a patient it is nearly their turn, then calls them to the doctor’s room, in their language', async () => {
		const p = await makePatient({ email: `queue-${rand(3)}@example.test`, preferredLanguage: 'ur' });
		const adminUser = await makeMember(database.db, home.id, 'admin');
		const roomRow = await createRoom(database.db, { clinicId: home.id, actor: { userId: adminUser.id, role: 'admin' } }, { name: 'Room 7' });
		const token = await checkInPatient(database.db, desk, { patientId: p.id, doctorId, idempotencyKey: key() });
		const [checkedIn] = await eventsOf('queue.checked_in', p.id);
		await worker.runOnce();
		expect(mailTo(p.email!).map((m) => m.subject)).toEqual([`ٹوکن ${token.token}: آپ کی باری قریب ہے`]);
		await callNext(database.db, doctorCtx, { doctorId, roomId: roomRow.id, idempotencyKey: crypto.randomUUID() });
		await worker.runOnce();
		const called = mailTo(p.email!).find((m) => m.subject === `ٹوکن ${token.token}: اب آپ کی باری ہے`);
		expect(called?.text).toContain('Room 7');
		// Nobody is emailed about their own check-in at the desk; the event is simply done.
		const [done] = await database.db.select().from(outboxEvent).where(eq(outboxEvent.id, checkedIn.id));
		expect(done.processedAt).toBeInstanceOf(Date);
		expect(done.deliveredTo).toEqual([]);
	});

	it('offers the first patient on the waiting list a slot that frees up', async () => {
		const waiting = await makePatient({ email: `waiting-${rand(3)}@example.test` });
		await joinWaitlist(database.db, desk, { patientId: waiting.id, doctorId });
		const other = await makePatient({});
		const booked = await bookAppointment(database.db, desk, { patientId: other.id, doctorId, start: `${dayAhead(2)}T15:00:00+05:00`, idempotencyKey: key() });
		await cancelAppointment(database.db, desk, booked.id, { reason: 'Travelling', idempotencyKey: crypto.randomUUID() });
		await worker.runOnce();
		const [offer] = mailTo(waiting.email!);
		expect(offer.subject).toMatch(/^An earlier time is free: /);
		expect(offer.text).toContain('Dr Ayesha Khan');
		expect(offer.attachments).toEqual([]);
	});

	it('marks events with nobody to reach, or only old news, as processed without sending or retrying them', async () => {
		const unreachable = await makePatient({});
		await bookAppointment(database.db, desk, { patientId: unreachable.id, doctorId, start: `${dayAhead(6)}T12:00:00+05:00`, idempotencyKey: key() });
		const [orphan] = await database.db
			.insert(outboxEvent)
			.values({
				clinicId: home.id,
				type: 'appointment.booked',
				payload: { patientId: crypto.randomUUID(), appointmentId: crypto.randomUUID(), doctorId, start: new Date().toISOString() }
			})
			.returning();
		// Written days ago (a backlog from before delivery existed): old news is not sent.
		const reachable = await makePatient({ email: `stale-${rand(3)}@example.test` });
		await bookAppointment(database.db, desk, { patientId: reachable.id, doctorId, start: `${dayAhead(6)}T12:30:00+05:00`, idempotencyKey: key() });
		const [stale] = await eventsOf('appointment.booked', reachable.id);
		await database.db
			.update(outboxEvent)
			.set({ createdAt: new Date(Date.now() - 3 * 86_400_000) })
			.where(eq(outboxEvent.id, stale.id));
		await worker.runOnce();
		expect(mailTo(reachable.email!)).toEqual([]);
		const [event] = await eventsOf('appointment.booked', unreachable.id);
		const [gone] = await database.db.select().from(outboxEvent).where(eq(outboxEvent.id, orphan.id));
		const [old] = await database.db.select().from(outboxEvent).where(eq(outboxEvent.id, stale.id));
		for (const row of [event, gone, old]) {
			expect(row).toMatchObject({ attempts: 1, deliveredTo: [], lastError: null, failedAt: null });
			expect(row.processedAt).toBeInstanceOf(Date);
		}
	});
});

describe('without SMTP_URL', () => {
	it('writes the email to the log at info and records it as delivered to the log', async () => {
		const p = await makePatient({ email: `logged-${rand(3)}@example.test` });
		await bookAppointment(database.db, desk, { patientId: p.id, doctorId, start: `${dayAhead(7)}T10:00:00+05:00`, idempotencyKey: key() });
		// Delivered by the SMTP worker first would hide the log: only this worker runs.
		const { log, lines } = captureLog();
		const logOnly = startNotificationDelivery(database.db, parseEnv({ ORIGIN }), log, { autostart: false });
		try {
			await logOnly.runOnce();
		} finally {
			await logOnly.stop();
		}
		const line = lines.find((l) => l.to === p.email);
		expect(line).toMatchObject({ level: 30, subject: expect.stringMatching(/^Appointment booked: /), attachments: [expect.stringMatching(/\.ics$/)] });
		expect(String(line?.text)).toContain(`${ORIGIN}/me`);
		expect(mailTo(p.email!)).toEqual([]);
		const [event] = await eventsOf('appointment.booked', p.id);
		expect(event.deliveredTo).toEqual(['email:log']);
		expect(event.processedAt).toBeInstanceOf(Date);
	});
});
