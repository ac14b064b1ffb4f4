import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { makeClinic, makeMember, makeUser, rand } from '../factories';
import { ctxOf, makePatient, queueScene } from './queueScene';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { patient } from '../../src/lib/server/db/schema/patients';
import { appointment } from '../../src/lib/server/db/schema/scheduling';
import { idempotencyKey, queueToken, visit } from '../../src/lib/server/db/schema';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { cancelAppointment, decideAppointment, rescheduleAppointment } from '../../src/lib/server/scheduling/changeAppointment';
import { bookFollowUp } from '../../src/lib/server/scheduling/followUp';
import { cancelAppointmentAsPatient, requestAppointmentAsPatient } from '../../src/lib/server/scheduling/patientBooking';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { callNext } from '../../src/lib/server/queue/callNext';
import { completeToken, markUrgent, recallToken } from '../../src/lib/server/queue/changeToken';
import { clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

let database: Database;
let desk: ClinicContext;
let otherDesk: ClinicContext;
let doctorId: string;
let clinicId: string;
let clinicCode: string;
const TZ = 'Asia/Karachi';
const started = Date.now();
const dayAhead = (days: number) => clinicToday(TZ, new Date(started + days * 86_400_000));
const at = (days: number, hhmm: string) => `${dayAhead(days)}T${hhmm}:00+05:00`;
const key = () => `key-${rand(8)}`;
const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00', slotMinutes: 15, breaks: [] }));

async function newPatient() {
	const result = await registerPatient(database.db, desk, { name: `Patient ${rand(3)}` }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('not created');
	return result.patient.id;
}

/** A patient account with a record at the clinic linked to it. */
async function linkedPatient() {
	const user = await makeUser(database.db, { kind: 'patient' });
	const patientId = await newPatient();
	await database.db.update(patient).set({ userId: user.id }).where(eq(patient.id, patientId));
	return { userId: user.id, patientId };
}

const appointmentsOf = (patientId: string) => database.db.select().from(appointment).where(eq(appointment.patientId, patientId));

beforeAll(async () => {
	database = await testDatabase();
	const home = await makeClinic(database.db, { timezone: TZ, autoConfirmStaffBookings: true });
	clinicId = home.id;
	clinicCode = home.code;
	desk = { clinicId, actor: { userId: (await makeMember(database.db, clinicId, 'reception')).id, role: 'reception' } };
	otherDesk = { clinicId, actor: { userId: (await makeMember(database.db, clinicId, 'reception')).id, role: 'reception' } };
	doctorId = (await makeMember(database.db, clinicId, 'doctor')).id;
	await setAvailability(database.db, desk, doctorId, { weekly: everyDay, exceptions: [] });
});

describe('a key belongs to the person who sent it', () => {
	it('gives patient B who replays patient A’s key a booking of their own, never A’s appointment or reason', async () => {
		const a = await linkedPatient();
		const b = await linkedPatient();
		const shared = key();
		const first = await requestAppointmentAsPatient(database.db, a.userId, {
			clinic: clinicCode,
			doctorId,
			start: at(2, '09:00'),
			reason: 'A’s private reason',
			idempotencyKey: shared
		});
		const second = await requestAppointmentAsPatient(database.db, b.userId, { clinic: clinicCode, doctorId, start: at(2, '09:15'), idempotencyKey: shared });
		expect(second.id).not.toBe(first.id);
		expect(second).toMatchObject({ patientId: b.patientId, reason: '' });
		expect(JSON.stringify(second)).not.toContain('private');
		expect(await appointmentsOf(b.patientId)).toHaveLength(1);
		expect(await appointmentsOf(a.patientId)).toHaveLength(1);
	});

	it('lets another receptionist use the same key as an independent claim', async () => {
		const shared = key();
		const p1 = await newPatient();
		const p2 = await newPatient();
		const mine = await bookAppointment(database.db, desk, { patientId: p1, doctorId, start: at(3, '09:00'), idempotencyKey: shared });
		const theirs = await bookAppointment(database.db, otherDesk, { patientId: p2, doctorId, start: at(3, '09:15'), idempotencyKey: shared });
		expect(theirs.id).not.toBe(mine.id);
		expect(theirs.patientId).toBe(p2);
	});

	it('refuses a patient’s cancellation key replayed by another patient as not found, and cancels nothing', async () => {
		const a = await linkedPatient();
		const b = await linkedPatient();
		const booked = await requestAppointmentAsPatient(database.db, a.userId, { clinic: clinicCode, doctorId, start: at(2, '10:00'), idempotencyKey: key() });
		const shared = key();
		await expect(cancelAppointmentAsPatient(database.db, b.userId, booked.id, { idempotencyKey: shared })).rejects.toMatchObject({ status: 404 });
		const [still] = await appointmentsOf(a.patientId);
		expect(still.status).toBe('requested');
		expect((await cancelAppointmentAsPatient(database.db, a.userId, booked.id, { idempotencyKey: shared })).status).toBe('cancelled');
	});
});

describe('a key belongs to the request it came with', () => {
	it('returns the first booking for the same key and body, with one row', async () => {
		const p = await newPatient();
		const k = key();
		const body = { patientId: p, doctorId, start: at(4, '09:00'), reason: 'Fever', idempotencyKey: k };
		const first = await bookAppointment(database.db, desk, body);
		const again = await bookAppointment(database.db, desk, { ...body });
		expect(again).toEqual(first);
		expect(await appointmentsOf(p)).toHaveLength(1);
	});

	it('refuses the same key with another patient or another slot (422) and books nothing', async () => {
		const p = await newPatient();
		const other = await newPatient();
		const k = key();
		await bookAppointment(database.db, desk, { patientId: p, doctorId, start: at(4, '10:00'), idempotencyKey: k });
		const reused = { code: 'idempotency_key_reused', status: 422, field: 'idempotencyKey' };
		await expect(bookAppointment(database.db, desk, { patientId: other, doctorId, start: at(4, '10:00'), idempotencyKey: k })).rejects.toMatchObject(reused);
		await expect(bookAppointment(database.db, desk, { patientId: p, doctorId, start: at(4, '10:15'), idempotencyKey: k })).rejects.toMatchObject(reused);
		await expect(
			bookAppointment(database.db, desk, { patientId: p, doctorId, start: at(4, '10:00'), reason: 'changed', idempotencyKey: k })
		).rejects.toMatchObject(reused);
		expect(await appointmentsOf(other)).toHaveLength(0);
		expect(await appointmentsOf(p)).toHaveLength(1);
	});

	it('books once for concurrent identical retries', async () => {
		const p = await newPatient();
		const body = { patientId: p, doctorId, start: at(5, '09:00'), idempotencyKey: key() };
		const results = await Promise.all(Array.from({ length: 5 }, () => bookAppointment(database.db, desk, body)));
		expect(new Set(results.map((r) => r.id)).size).toBe(1);
		expect(await appointmentsOf(p)).toHaveLength(1);
	});

	it('answers a retried cancel or reschedule as the first did, and refuses the key on another appointment', async () => {
		const p = await newPatient();
		const a = await bookAppointment(database.db, desk, { patientId: p, doctorId, start: at(6, '09:00'), idempotencyKey: key() });
		const b = await bookAppointment(database.db, desk, { patientId: p, doctorId, start: at(6, '11:00'), idempotencyKey: key() });
		const move = key();
		const moved = await rescheduleAppointment(database.db, desk, a.id, { start: at(6, '09:30'), idempotencyKey: move });
		expect(await rescheduleAppointment(database.db, desk, a.id, { start: at(6, '09:30'), idempotencyKey: move })).toEqual(moved);
		await expect(rescheduleAppointment(database.db, desk, b.id, { start: at(6, '09:30'), idempotencyKey: move })).rejects.toMatchObject({
			code: 'idempotency_key_reused'
		});
		const cancel = key();
		const cancelled = await cancelAppointment(database.db, desk, a.id, { reason: 'Travelling', idempotencyKey: cancel });
		expect(await cancelAppointment(database.db, desk, a.id, { reason: 'Travelling', idempotencyKey: cancel })).toEqual(cancelled);
		await expect(cancelAppointment(database.db, desk, b.id, { reason: 'Travelling', idempotencyKey: cancel })).rejects.toMatchObject({
			code: 'idempotency_key_reused'
		});
		const [stillB] = await database.db.select().from(appointment).where(eq(appointment.id, b.id));
		expect(stillB).toMatchObject({ status: 'confirmed', startsAt: new Date(at(6, '11:00')) });
	});

	it('refuses a follow-up key sent again for another number of weeks', async () => {
		const p = await newPatient();
		const first = await bookAppointment(database.db, desk, { patientId: p, doctorId, start: at(1, '12:00'), idempotencyKey: key() });
		const k = key();
		const followUp = await bookFollowUp(database.db, desk, first.id, { weeks: 1, idempotencyKey: k });
		expect((await bookFollowUp(database.db, desk, first.id, { weeks: 1, idempotencyKey: k })).id).toBe(followUp.id);
		await expect(bookFollowUp(database.db, desk, first.id, { weeks: 2, idempotencyKey: k })).rejects.toMatchObject({
			code: 'idempotency_key_reused',
			status: 422
		});
		expect(await appointmentsOf(p)).toHaveLength(2);
	});

	it('stores the key with its sender and a hash of the request, never the request itself', async () => {
		const p = await newPatient();
		const k = key();
		await bookAppointment(database.db, desk, { patientId: p, doctorId, start: at(7, '09:00'), reason: 'Something private', idempotencyKey: k });
		const [row] = await database.db
			.select()
			.from(idempotencyKey)
			.where(and(eq(idempotencyKey.key, k), eq(idempotencyKey.userId, desk.actor.userId)));
		expect(row.requestHash).toMatch(/^[0-9a-f]{64}$/);
		expect(row.scope).toBe(`appointment.book:${clinicId}`);
	});
});

describe('queue commands a retry could double', () => {
	it('calls once for a retried call-next and completes once for a retried complete', async () => {
		const { home, doctor, deskCtx, doctorCtx } = await queueScene(database.db);
		const [first, second] = [await makePatient(database.db, home.id), await makePatient(database.db, home.id)];
		await checkInPatient(database.db, deskCtx, { patientId: first.id, idempotencyKey: key() });
		await checkInPatient(database.db, deskCtx, { patientId: second.id, idempotencyKey: key() });
		const call = key();
		const called = await callNext(database.db, doctorCtx, { doctorId: doctor.id, idempotencyKey: call });
		const [again, alsoAgain] = await Promise.all([
			callNext(database.db, doctorCtx, { doctorId: doctor.id, idempotencyKey: call }),
			callNext(database.db, doctorCtx, { doctorId: doctor.id, idempotencyKey: call })
		]);
		expect([again.id, alsoAgain.id]).toEqual([called.id, called.id]);
		const complete = key();
		const done = await completeToken(database.db, doctorCtx, called.id, { idempotencyKey: complete });
		expect(await completeToken(database.db, doctorCtx, called.id, { idempotencyKey: complete })).toEqual(done);
		// The second patient is still waiting: no retry called or completed anyone else.
		const [waiting] = await database.db.select().from(queueToken).where(eq(queueToken.patientId, second.id));
		expect(waiting.status).toBe('waiting');
		expect(await database.db.select().from(visit).where(eq(visit.patientId, second.id))).toHaveLength(0);
		// The next call is a new attempt with a new key, and calls the next patient.
		expect(await callNext(database.db, doctorCtx, { doctorId: doctor.id, idempotencyKey: key() })).toMatchObject({ patientId: second.id });
	});

	it('checks in once for concurrent identical retries and refuses the key for another patient', async () => {
		const { home, deskCtx } = await queueScene(database.db);
		const [p, other] = [await makePatient(database.db, home.id), await makePatient(database.db, home.id)];
		const k = key();
		const tokens = await Promise.all(Array.from({ length: 4 }, () => checkInPatient(database.db, deskCtx, { patientId: p.id, idempotencyKey: k })));
		expect(new Set(tokens.map((t) => t.id)).size).toBe(1);
		await expect(checkInPatient(database.db, deskCtx, { patientId: other.id, idempotencyKey: k })).rejects.toMatchObject({
			code: 'idempotency_key_reused',
			status: 422
		});
		expect(await database.db.select().from(queueToken).where(eq(queueToken.patientId, other.id))).toHaveLength(0);
	});
});

describe('commands a retry would only repeat take a key too', () => {
	it('answers a retried recall, urgent or confirm with a key as the first did, and acts again without one', async () => {
		const { home, doctor, deskCtx, doctorCtx } = await queueScene(database.db);
		const [p, q] = [await makePatient(database.db, home.id), await makePatient(database.db, home.id)];
		await checkInPatient(database.db, deskCtx, { patientId: p.id, idempotencyKey: key() });
		const waiting = await checkInPatient(database.db, deskCtx, { patientId: q.id, idempotencyKey: key() });
		const called = await callNext(database.db, doctorCtx, { doctorId: doctor.id, idempotencyKey: key() });
		const recall = key();
		const first = await recallToken(database.db, doctorCtx, called.id, { idempotencyKey: recall });
		expect(await recallToken(database.db, doctorCtx, called.id, { idempotencyKey: recall })).toEqual(first);
		const callCount = async () => (await database.db.select().from(queueToken).where(eq(queueToken.id, called.id)))[0].callCount;
		expect(await callCount()).toBe(2);
		await recallToken(database.db, doctorCtx, called.id);
		expect(await callCount()).toBe(3);
		const urgent = key();
		await markUrgent(database.db, deskCtx, waiting.id, { reason: 'Chest pain', idempotencyKey: urgent });
		await expect(markUrgent(database.db, deskCtx, waiting.id, { reason: 'Something else', idempotencyKey: urgent })).rejects.toMatchObject({
			code: 'idempotency_key_reused'
		});

		const requested = await bookAppointment(database.db, desk, { patientId: await newPatient(), doctorId, start: at(9, '09:00'), idempotencyKey: key() });
		await database.db.update(appointment).set({ status: 'requested' }).where(eq(appointment.id, requested.id));
		const confirm = key();
		const confirmed = await decideAppointment(database.db, desk, requested.id, 'confirm', { idempotencyKey: confirm });
		expect(await decideAppointment(database.db, desk, requested.id, 'confirm', { idempotencyKey: confirm })).toEqual(confirmed);
		await expect(decideAppointment(database.db, desk, requested.id, 'confirm')).rejects.toMatchObject({ code: 'invalid_transition' });
	});
});

describe('commands a retry could double require a key', () => {
	it('refuses booking, reschedule, cancel, follow-up and a patient’s request or cancel without one', async () => {
		const p = await newPatient();
		const me = await linkedPatient();
		const required = { code: 'idempotency_key_required', status: 400, field: 'idempotencyKey' };
		await expect(bookAppointment(database.db, desk, { patientId: p, doctorId, start: at(20, '09:00') })).rejects.toMatchObject(required);
		expect(await appointmentsOf(p)).toHaveLength(0);
		const booked = await bookAppointment(database.db, desk, { patientId: p, doctorId, start: at(20, '09:00'), idempotencyKey: key() });
		await expect(rescheduleAppointment(database.db, desk, booked.id, { start: at(20, '09:30') })).rejects.toMatchObject(required);
		await expect(cancelAppointment(database.db, desk, booked.id, { reason: 'Travelling' })).rejects.toMatchObject(required);
		await expect(bookFollowUp(database.db, desk, booked.id, { weeks: 1 })).rejects.toMatchObject(required);
		await expect(requestAppointmentAsPatient(database.db, me.userId, { clinic: clinicCode, doctorId, start: at(20, '10:00') })).rejects.toMatchObject(required);
		const own = await requestAppointmentAsPatient(database.db, me.userId, { clinic: clinicCode, doctorId, start: at(20, '10:00'), idempotencyKey: key() });
		await expect(cancelAppointmentAsPatient(database.db, me.userId, own.id, {})).rejects.toMatchObject(required);
		const [unchanged] = await database.db.select().from(appointment).where(eq(appointment.id, booked.id));
		expect(unchanged).toMatchObject({ status: 'confirmed', startsAt: new Date(at(20, '09:00')) });
	});

	it('refuses check-in, call-next and complete without one', async () => {
		const { home, doctor, deskCtx } = await queueScene(database.db);
		const p = await makePatient(database.db, home.id);
		const doctorCtx = ctxOf(home.id, doctor.id, 'doctor');
		const required = { code: 'idempotency_key_required', status: 400 };
		await expect(checkInPatient(database.db, deskCtx, { patientId: p.id })).rejects.toMatchObject(required);
		const token = await checkInPatient(database.db, deskCtx, { patientId: p.id, idempotencyKey: key() });
		await expect(callNext(database.db, doctorCtx, { doctorId: doctor.id })).rejects.toMatchObject(required);
		await callNext(database.db, doctorCtx, { doctorId: doctor.id, idempotencyKey: key() });
		await expect(completeToken(database.db, doctorCtx, token.id, {})).rejects.toMatchObject(required);
		const [row] = await database.db.select().from(queueToken).where(eq(queueToken.id, token.id));
		expect(row.status).toBe('with_doctor');
	});
});
