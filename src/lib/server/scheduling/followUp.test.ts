import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testDatabase } from '../../../../tests/db';
import { makeClinic, makeMember, rand } from '../../../../tests/factories';
import { registerPatient } from '../patients/registerPatient';
import { appointment, waitlistEntry } from '../db/schema/scheduling';
import { clinicToday } from '../../time';
import type { Database } from '../db';
import type { ClinicContext } from '../tenancy/context';
import { setAvailability, removeClinicClosure } from './setAvailability';
import { bookAppointment } from './bookAppointment';
import { cancelAppointment } from './changeAppointment';
import { bookFollowUp } from './followUp';
import { joinWaitlist, withdrawFromWaitlist } from './waitlist';
import { acceptWaitlistOffer } from './acceptWaitlistOffer';

const TZ = 'Asia/Karachi';
let database: Database;
let desk: ClinicContext;
let doctorId: string;
const dayAhead = (days: number) => clinicToday(TZ, new Date(Date.now() + days * 86_400_000));

async function newPatient() {
	const result = await registerPatient(database.db, desk, { name: `Patient ${rand(3)}` }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('not created');
	return result.patient.id;
}

beforeAll(async () => {
	database = await testDatabase();
	const clinic = await makeClinic(database.db, { timezone: TZ });
	const receptionist = await makeMember(database.db, clinic.id, 'reception');
	doctorId = (await makeMember(database.db, clinic.id, 'doctor')).id;
	desk = { clinicId: clinic.id, actor: { userId: receptionist.id, role: 'reception' } };
	const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '12:00', slotMinutes: 30 }));
	await setAvailability(database.db, desk, doctorId, { weekly });
});

describe('follow-up in N weeks', () => {
	it("books the doctor's first free slot on the day N weeks on, linked to the first visit, once per key", async () => {
		const patientId = await newPatient();
		const first = await bookAppointment(database.db, desk, { patientId, doctorId, start: `${dayAhead(1)}T09:00:00+05:00`, idempotencyKey: rand(8) });
		const target = dayAhead(15);
		await bookAppointment(database.db, desk, { patientId: await newPatient(), doctorId, start: `${target}T09:00:00+05:00`, idempotencyKey: rand(8) });
		const key = rand(8);
		const followUp = await bookFollowUp(database.db, desk, first.id, { weeks: 2, idempotencyKey: key });
		expect(followUp.start).toBe(new Date(`${target}T09:30:00+05:00`).toISOString());
		expect(followUp.patientId).toBe(patientId);
		const [row] = await database.db.select().from(appointment).where(eq(appointment.id, followUp.id));
		expect(row.followUpOf).toBe(first.id);
		expect((await bookFollowUp(database.db, desk, first.id, { weeks: 2, idempotencyKey: key })).id).toBe(followUp.id);
	});

	it('refuses a bad number of weeks and an unknown appointment, and books nothing', async () => {
		const first = await bookAppointment(database.db, desk, {
			patientId: await newPatient(),
			doctorId,
			start: `${dayAhead(2)}T10:00:00+05:00`,
			idempotencyKey: rand(8)
		});
		await expect(bookFollowUp(database.db, desk, first.id, { weeks: 0, idempotencyKey: rand(8) })).rejects.toMatchObject({ status: 400, field: 'weeks' });
		await expect(bookFollowUp(database.db, desk, first.id, { weeks: 'soon', idempotencyKey: rand(8) })).rejects.toMatchObject({ status: 400, field: 'weeks' });
		await expect(bookFollowUp(database.db, desk, 'not-an-id', { weeks: 1, idempotencyKey: rand(8) })).rejects.toMatchObject({ status: 404 });
		await expect(bookFollowUp(database.db, desk, crypto.randomUUID(), { weeks: 1, idempotencyKey: rand(8) })).rejects.toMatchObject({ status: 404 });
	});
});

describe('taking up a waitlist offer', () => {
	it('books the offered slot for the waiting patient, marks the entry booked, and refuses a second take', async () => {
		const waiting = await newPatient();
		const entry = await joinWaitlist(database.db, desk, { patientId: waiting, doctorId });
		const held = await bookAppointment(database.db, desk, {
			patientId: await newPatient(),
			doctorId,
			start: `${dayAhead(3)}T11:00:00+05:00`,
			idempotencyKey: rand(8)
		});
		await cancelAppointment(database.db, desk, held.id, { reason: 'Travelling', idempotencyKey: crypto.randomUUID() });
		const [offered] = await database.db.select().from(waitlistEntry).where(eq(waitlistEntry.id, entry.id));
		expect(offered.status).toBe('offered');

		const { booked, moved } = await acceptWaitlistOffer(database.db, desk, entry.id, rand(8));
		expect(booked).toMatchObject({ patientId: waiting, doctorId, start: held.start });
		expect(moved).toBeNull();
		const [after] = await database.db.select().from(waitlistEntry).where(eq(waitlistEntry.id, entry.id));
		expect(after.status).toBe('booked');
		await expect(acceptWaitlistOffer(database.db, desk, entry.id, rand(8))).rejects.toMatchObject({ status: 409, code: 'offer_not_open' });
	});

	it('answers 404, not a database error, for ids that are not ids', async () => {
		await expect(acceptWaitlistOffer(database.db, desk, 'x', rand(8))).rejects.toMatchObject({ status: 404 });
		await expect(withdrawFromWaitlist(database.db, desk, "1' OR 1=1")).rejects.toMatchObject({ status: 404 });
		await expect(setAvailability(database.db, desk, 'nobody', { weekly: [] })).rejects.toMatchObject({ status: 404 });
		const admin: ClinicContext = { ...desk, actor: { userId: desk.actor.userId, role: 'admin' } };
		await expect(removeClinicClosure(database.db, admin, 'nothing')).rejects.toMatchObject({ status: 404 });
	});
});
