import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { testDatabase } from '../../../../tests/db';
import { makeClinic, makeMember, rand } from '../../../../tests/factories';
import { registerPatient } from '../patients/registerPatient';
import { appointment, waitlistEntry } from '../db/schema/scheduling';
import { clinicToday } from '../../time';
import type { Database } from '../db';
import type { ClinicContext } from '../tenancy/context';
import { setAvailability } from './setAvailability';
import { bookAppointment } from './bookAppointment';
import { cancelAppointment } from './changeAppointment';
import { declineWaitlistOffer, joinWaitlist, withdrawFromWaitlist } from './waitlist';
import { acceptWaitlistOffer } from './acceptWaitlistOffer';
import { projectClinicWaitlist } from './project';

const TZ = 'Asia/Karachi';
let database: Database;
let desk: ClinicContext;
let clinicId: string;
const dayAhead = (days: number) => clinicToday(TZ, new Date(Date.now() + days * 86_400_000));
const at = (days: number, time: string) => `${dayAhead(days)}T${time}:00+05:00`;

async function newPatient() {
	const result = await registerPatient(database.db, desk, { name: `Patient ${rand(3)}` }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('not created');
	return result.patient.id;
}

/** Each test gets its own doctor, so offers (first come, first offered) never cross tests. */
async function newDoctor() {
	const doctorId = (await makeMember(database.db, clinicId, 'doctor')).id;
	const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '12:00', slotMinutes: 30 }));
	await setAvailability(database.db, desk, doctorId, { weekly });
	return doctorId;
}

const book = async (patientId: string, doctorId: string, start: string) =>
	bookAppointment(database.db, desk, { patientId, doctorId, start, idempotencyKey: rand(8) });
const entryOf = async (id: string) => (await database.db.select().from(waitlistEntry).where(eq(waitlistEntry.id, id)))[0];

beforeAll(async () => {
	database = await testDatabase();
	const clinic = await makeClinic(database.db, { timezone: TZ });
	clinicId = clinic.id;
	const receptionist = await makeMember(database.db, clinic.id, 'reception');
	desk = { clinicId: clinic.id, actor: { userId: receptionist.id, role: 'reception' } };
});

describe('waiting with an appointment already held', () => {
	it('moves the held appointment to the freed earlier slot instead of booking a second one', async () => {
		const doctorId = await newDoctor();
		const patientId = await newPatient();
		const held = await book(patientId, doctorId, at(6, '11:00'));
		const entry = await joinWaitlist(database.db, desk, { patientId, doctorId, currentAppointmentId: held.id });
		const earlier = await book(await newPatient(), doctorId, at(2, '09:30'));
		await cancelAppointment(database.db, desk, earlier.id, { reason: 'Travelling', idempotencyKey: crypto.randomUUID() });

		const content = await projectClinicWaitlist(database.db, { type: 'waitlist', clinicId });
		expect(content.entries).toContainEqual(expect.objectContaining({ id: entry.id, status: 'offered', offeredStart: earlier.start, currentStart: held.start }));

		const { booked, moved } = await acceptWaitlistOffer(database.db, desk, entry.id, rand(8));
		expect(booked.id).toBe(held.id);
		expect(booked.start).toBe(earlier.start);
		expect(moved?.toISOString()).toBe(held.start);
		const open = await database.db
			.select()
			.from(appointment)
			.where(and(eq(appointment.patientId, patientId), inArray(appointment.status, ['requested', 'confirmed'])));
		expect(open.map((a) => a.startsAt.toISOString())).toEqual([earlier.start]);
		expect((await entryOf(entry.id)).status).toBe('booked');
	});

	it('is not offered a slot later than the one it holds', async () => {
		const doctorId = await newDoctor();
		const patientId = await newPatient();
		const held = await book(patientId, doctorId, at(2, '09:00'));
		const entry = await joinWaitlist(database.db, desk, { patientId, doctorId, currentAppointmentId: held.id });
		const later = await book(await newPatient(), doctorId, at(4, '10:00'));
		await cancelAppointment(database.db, desk, later.id, { reason: 'Unwell', idempotencyKey: crypto.randomUUID() });
		expect((await entryOf(entry.id)).status).toBe('waiting');
	});

	it("refuses an appointment that is not this patient's, is with another doctor, or is closed, and adds nothing", async () => {
		const doctorId = await newDoctor();
		const otherDoctor = await newDoctor();
		const patientId = await newPatient();
		const someoneElses = await book(await newPatient(), doctorId, at(3, '09:00'));
		const withOther = await book(patientId, otherDoctor, at(3, '10:00'));
		const cancelled = await book(patientId, doctorId, at(3, '11:00'));
		await cancelAppointment(database.db, desk, cancelled.id, { reason: 'Changed plans', idempotencyKey: crypto.randomUUID() });
		for (const currentAppointmentId of [someoneElses.id, withOther.id, cancelled.id, crypto.randomUUID()]) {
			await expect(joinWaitlist(database.db, desk, { patientId, doctorId, currentAppointmentId })).rejects.toMatchObject({
				status: 400,
				field: 'currentAppointmentId',
				code: 'field_invalid'
			});
		}
		await expect(joinWaitlist(database.db, desk, { patientId, doctorId, currentAppointmentId: 'not-an-id' })).rejects.toMatchObject({
			status: 400,
			field: 'currentAppointmentId'
		});
		expect(await database.db.select().from(waitlistEntry).where(eq(waitlistEntry.patientId, patientId))).toEqual([]);
	});

	it('books anew when the held appointment was cancelled after joining', async () => {
		const doctorId = await newDoctor();
		const patientId = await newPatient();
		const held = await book(patientId, doctorId, at(6, '10:00'));
		const entry = await joinWaitlist(database.db, desk, { patientId, doctorId, currentAppointmentId: held.id });
		await cancelAppointment(database.db, desk, held.id, { reason: 'Will wait for the list', idempotencyKey: crypto.randomUUID() });
		// Its own freed slot is no earlier than what the entry holds, so it stays waiting.
		expect((await entryOf(entry.id)).status).toBe('waiting');
		const earlier = await book(await newPatient(), doctorId, at(2, '10:00'));
		await cancelAppointment(database.db, desk, earlier.id, { reason: 'Travelling', idempotencyKey: crypto.randomUUID() });
		const { booked, moved } = await acceptWaitlistOffer(database.db, desk, entry.id, rand(8));
		expect(moved).toBeNull();
		expect(booked.id).not.toBe(held.id);
		expect(booked).toMatchObject({ patientId, start: earlier.start });
	});
});

describe('declining and withdrawing an offer', () => {
	it('keeps the decliner waiting and offers the slot to the next patient in line', async () => {
		const doctorId = await newDoctor();
		const first = await joinWaitlist(database.db, desk, { patientId: await newPatient(), doctorId });
		const second = await joinWaitlist(database.db, desk, { patientId: await newPatient(), doctorId });
		const freed = await book(await newPatient(), doctorId, at(3, '09:30'));
		await cancelAppointment(database.db, desk, freed.id, { reason: 'Travelling', idempotencyKey: crypto.randomUUID() });
		expect((await entryOf(first.id)).status).toBe('offered');

		await declineWaitlistOffer(database.db, desk, first.id);
		expect(await entryOf(first.id)).toMatchObject({ status: 'waiting', offeredStart: null });
		expect(await entryOf(second.id)).toMatchObject({ status: 'offered', offeredStart: new Date(freed.start) });
		await expect(declineWaitlistOffer(database.db, desk, first.id)).rejects.toMatchObject({ status: 409, code: 'offer_not_open' });
	});

	it('passes a withdrawn offer on to the next patient', async () => {
		const doctorId = await newDoctor();
		const first = await joinWaitlist(database.db, desk, { patientId: await newPatient(), doctorId });
		const second = await joinWaitlist(database.db, desk, { patientId: await newPatient(), doctorId });
		const freed = await book(await newPatient(), doctorId, at(3, '10:30'));
		await cancelAppointment(database.db, desk, freed.id, { reason: 'Travelling', idempotencyKey: crypto.randomUUID() });
		await withdrawFromWaitlist(database.db, desk, first.id);
		expect((await entryOf(first.id)).status).toBe('withdrawn');
		expect((await entryOf(second.id)).status).toBe('offered');
	});

	it('refuses ids that are not ids, unknown entries and a pharmacist, changing nothing', async () => {
		const doctorId = await newDoctor();
		const entry = await joinWaitlist(database.db, desk, { patientId: await newPatient(), doctorId });
		await expect(declineWaitlistOffer(database.db, desk, "1' OR 1=1")).rejects.toMatchObject({ status: 404 });
		await expect(declineWaitlistOffer(database.db, desk, crypto.randomUUID())).rejects.toMatchObject({ status: 404 });
		await expect(declineWaitlistOffer(database.db, desk, entry.id)).rejects.toMatchObject({ status: 409, code: 'offer_not_open' });
		const pharmacist: ClinicContext = { ...desk, actor: { userId: desk.actor.userId, role: 'pharmacist' } };
		await expect(declineWaitlistOffer(database.db, pharmacist, entry.id)).rejects.toMatchObject({ status: 403 });
		expect((await entryOf(entry.id)).status).toBe('waiting');
	});
});
