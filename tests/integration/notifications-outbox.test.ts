import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { freshDatabase } from '../db';
import { makeClinic, makeMember, rand } from '../factories';
import { captureLog } from '../notifications';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { markNoShow } from '../../src/lib/server/scheduling/changeAppointment';
import { appointment, outboxEvent, type Clinic } from '../../src/lib/server/db/schema';
import { emit } from '../../src/lib/server/notifications/outbox';
import { parseEnv } from '../../src/lib/server/env';
import { startNotificationDelivery } from '../../src/lib/server/notifications';
import { clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

const TZ = 'Asia/Karachi';
const ORIGIN = 'https://clinic.example.org';
let database: Database & { drop(): Promise<void> };
let home: Clinic;
let desk: ClinicContext;
let doctorId: string;

// A database of its own: the worker here claims every due event, and must not take other files' rows.
beforeAll(async () => {
	database = await freshDatabase();
	home = await makeClinic(database.db, { timezone: TZ, name: 'Shifa Clinic' });
	const receptionist = await makeMember(database.db, home.id, 'reception');
	doctorId = (await makeMember(database.db, home.id, 'doctor', { name: 'Dr Ayesha Khan' })).id;
	desk = { clinicId: home.id, actor: { userId: receptionist.id, role: 'reception' } };
	const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:45', slotMinutes: 15 }));
	await setAvailability(database.db, desk, doctorId, { weekly });
});

afterAll(async () => {
	await database?.drop();
});

const rowsOf = (ids: number[]) => database.db.select().from(outboxEvent).where(inArray(outboxEvent.id, ids)).orderBy(outboxEvent.id);
const ids = () => ({ appointmentId: crypto.randomUUID(), patientId: crypto.randomUUID(), doctorId: crypto.randomUUID() });

/** One pass of the app's own delivery, emails to the log; answers what it logged. */
async function deliverOnce() {
	const { log, lines } = captureLog();
	const worker = startNotificationDelivery(database.db, parseEnv({ ORIGIN }), log, { autostart: false });
	try {
		await worker.runOnce();
	} finally {
		await worker.stop();
	}
	return lines;
}

describe('emit', () => {
	it('writes the event with its clinic in the transaction it is given, and nothing when that transaction rolls back', async () => {
		const kept = { ...ids(), from: new Date().toISOString(), to: new Date().toISOString(), fromDoctorId: crypto.randomUUID() };
		const lost = ids();
		await database.db.transaction((tx) => emit(tx, home.id, { type: 'appointment.reschedule', payload: kept }));
		await expect(
			database.db.transaction(async (tx) => {
				await emit(tx, home.id, { type: 'appointment.no_show', payload: lost });
				throw new Error('the command refused');
			})
		).rejects.toThrow('the command refused');
		const rows = await database.db.select().from(outboxEvent).where(eq(outboxEvent.clinicId, home.id));
		expect(rows.filter((r) => r.payload.appointmentId === lost.appointmentId)).toEqual([]);
		expect(rows.filter((r) => r.payload.appointmentId === kept.appointmentId)).toEqual([
			expect.objectContaining({ type: 'appointment.reschedule', payload: kept, processedAt: null })
		]);
	});

	it('refuses a payload its type does not allow, writing nothing', async () => {
		const payload = { ...ids(), tokenId: 'A12', token: 'A12', visitId: crypto.randomUUID() };
		await expect(database.db.transaction((tx) => emit(tx, home.id, { type: 'queue.called', payload }))).rejects.toThrow(/tokenId/);
		const rows = await database.db.select().from(outboxEvent).where(eq(outboxEvent.type, 'queue.called'));
		expect(rows.filter((r) => r.payload.visitId === payload.visitId)).toEqual([]);
	});
});

describe('rows that do not read as an event', () => {
	it('are marked failed at once with the reason, while the rest of the batch is delivered', async () => {
		// Straight into the table, as older code (or a hand-written fix) might have left them.
		const written = await database.db
			.insert(outboxEvent)
			.values([
				{ clinicId: home.id, type: 'appointment.teleported', payload: ids() },
				{ clinicId: home.id, type: 'appointment.booked', payload: { patientId: crypto.randomUUID(), appointment: 'A-104' } },
				{ clinicId: home.id, type: 'queue.almost_next', payload: { ...ids(), tokenId: crypto.randomUUID(), token: 'A7', ahead: -1, waitMinutes: 5 } }
			])
			.returning({ id: outboxEvent.id });
		const wellFormed = ids();
		await database.db.transaction((tx) => emit(tx, home.id, { type: 'appointment.confirm', payload: wellFormed }));
		await deliverOnce();
		const [unknown, misshapen, outOfRange] = await rowsOf(written.map((r) => r.id));
		for (const row of [unknown, misshapen, outOfRange]) expect(row).toMatchObject({ attempts: 1, processedAt: null, failedAt: expect.any(Date) });
		expect(unknown.lastError).toBe('unknown event type "appointment.teleported"');
		expect(misshapen.lastError).toMatch(/^payload of appointment\.booked does not match: appointmentId: .*doctorId: .*start: /);
		expect(outOfRange.lastError).toMatch(/^payload of queue\.almost_next does not match: ahead: /);
		// A well-formed event about a patient nobody knows is simply done.
		const [done] = (await database.db.select().from(outboxEvent).where(eq(outboxEvent.type, 'appointment.confirm'))).filter(
			(r) => r.payload.appointmentId === wellFormed.appointmentId
		);
		expect(done).toMatchObject({ failedAt: null, lastError: null, processedAt: expect.any(Date) });
	});
});

describe('a missed appointment', () => {
	async function missedAppointment(preferredLanguage: 'en' | 'ur', hoursAgo: number) {
		const email = `missed-${rand(4)}@example.test`;
		const registered = await registerPatient(database.db, desk, { name: `Patient ${rand(3)}`, email, preferredLanguage }, { allowDuplicate: true });
		if (registered.status !== 'created') throw new Error('not created');
		const day = clinicToday(TZ, new Date(Date.now() + 5 * 86_400_000));
		const booked = await bookAppointment(database.db, desk, {
			patientId: registered.patient.id,
			doctorId,
			start: `${day}T${String(8 + hoursAgo).padStart(2, '0')}:00:00+05:00`,
			idempotencyKey: rand(8)
		});
		// Time passes: the appointment began a few hours ago and the patient never came.
		const startsAt = new Date(Date.now() - hoursAgo * 3_600_000);
		await database.db
			.update(appointment)
			.set({ startsAt, endsAt: new Date(startsAt.getTime() + 15 * 60_000) })
			.where(eq(appointment.id, booked.id));
		await markNoShow(database.db, desk, booked.id, {});
		return { email, ref: booked.ref };
	}

	it('tells the patient, in their language, that they were missed and how to book again', async () => {
		const english = await missedAppointment('en', 2);
		const urdu = await missedAppointment('ur', 3);
		const lines = await deliverOnce();
		const mailTo = (address: string) => lines.filter((l) => l.to === address);
		const [inEnglish] = mailTo(english.email);
		expect(mailTo(english.email)).toHaveLength(1);
		expect(inEnglish.subject).toMatch(/^Missed appointment: /);
		expect(String(inEnglish.text)).toContain('We missed you at your appointment with Dr Ayesha Khan at Shifa Clinic');
		expect(String(inEnglish.text)).toContain('You can choose a new time from your appointments in the app');
		expect(String(inEnglish.text)).toContain(`${ORIGIN}/me`);
		expect(String(inEnglish.text)).toContain(english.ref);
		const [inUrdu] = mailTo(urdu.email);
		expect(inUrdu.subject).toMatch(/^اپوائنٹمنٹ رہ گئی: /);
		expect(String(inUrdu.text)).toContain('نیا وقت');
		expect(String(inUrdu.text)).toContain(urdu.ref);
	});
});
