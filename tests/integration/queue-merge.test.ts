import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { auditLog, patient, queueToken, visit } from '../../src/lib/server/db/schema';
import { appointment } from '../../src/lib/server/db/schema/scheduling';
import type { Db } from '../../src/lib/server/db';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { callNext } from '../../src/lib/server/queue/callNext';
import { mergePatients } from '../../src/lib/server/patients/mergePatients';
import { previewMerge } from '../../src/lib/server/patients/mergePreview';
import { projectClinicQueue } from '../../src/lib/server/sync/projections/queue';
import { projectPatientLive } from '../../src/lib/server/sync/projections/patientLive';
import { errorMessage } from '../../src/lib/i18n/errors';
import { testDatabase } from '../db';
import { makeClinic, makeMember } from '../factories';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { clinicToday } from '../../src/lib/time';
import { ctxOf, key, makeAppointment, makePatient, queueScene } from './queueScene';

let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

describe('merging records that both hold a token today', () => {
	it('keeps the token checked in first, cancels the other as merged, and leaves one place in the line', async () => {
		const { home, doctor, deskCtx, day } = await queueScene(db);
		const [survivor, duplicate] = [await makePatient(db, home.id, 'Amna Bibi'), await makePatient(db, home.id, 'Amna B.')];
		const early = await checkInPatient(db, deskCtx, { patientId: duplicate.id, doctorId: doctor.id, idempotencyKey: key() });
		const late = await checkInPatient(db, deskCtx, { patientId: survivor.id, doctorId: doctor.id, idempotencyKey: key() });

		const result = await mergePatients(db, deskCtx, survivor.id, { mergeId: duplicate.id, reason: 'same person' });
		expect(result.cancelledTokens).toEqual([{ kept: early.id, cancelled: late.id }]);
		const tokens = await db.select().from(queueToken).where(eq(queueToken.patientId, survivor.id));
		expect(tokens.map((t) => [t.id, t.status, t.cancelReason]).sort()).toEqual(
			[
				[early.id, 'waiting', null],
				[late.id, 'cancelled', 'merged']
			].sort()
		);
		const queue = await projectClinicQueue(db, { type: 'queue', clinicId: home.id, day });
		expect(queue.tokens).toEqual(expect.arrayContaining([expect.objectContaining({ id: late.id, status: 'cancelled', cancelReason: 'merged', order: null })]));
		expect(await projectPatientLive(db, { type: 'patientLive', patientId: survivor.id })).toMatchObject({
			queue: { token: early.token, status: 'waiting', ahead: 0 }
		});
		const [audit] = await db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.entityId, late.id), eq(auditLog.action, 'queue.cancel')));
		expect(audit.data).toMatchObject({ reason: 'merged', keptTokenId: early.id });
	});

	it('keeps the token already with the doctor, with its appointment, and refuses to merge two consultations at once', async () => {
		const { home, doctor, deskCtx, doctorCtx } = await queueScene(db);
		const [survivor, duplicate] = [await makePatient(db, home.id), await makePatient(db, home.id)];
		const booked = await makeAppointment(db, home.id, survivor.id, doctor.id, new Date());
		const walkIn = await checkInPatient(db, deskCtx, { patientId: duplicate.id, doctorId: doctor.id, idempotencyKey: key() });
		const withAppointment = await checkInPatient(db, deskCtx, { appointmentId: booked.id, idempotencyKey: key() });
		const called = await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() });
		expect(called.id).toBe(withAppointment.id);

		// Both with a doctor: no rule can choose, and nothing changes.
		const colleague = await makeMember(db, home.id, 'doctor');
		await db.update(queueToken).set({ status: 'with_doctor', calledBy: colleague.id }).where(eq(queueToken.id, walkIn.id));
		await expect(mergePatients(db, deskCtx, survivor.id, { mergeId: duplicate.id })).rejects.toMatchObject({ code: 'doctor_busy', status: 409 });
		expect(
			await db
				.select({ id: patient.id })
				.from(patient)
				.where(and(eq(patient.id, duplicate.id), eq(patient.mergedIntoId, survivor.id)))
		).toEqual([]);
		await db.update(queueToken).set({ status: 'waiting', calledBy: null }).where(eq(queueToken.id, walkIn.id));

		const merged = await mergePatients(db, deskCtx, duplicate.id, { mergeId: survivor.id });
		expect(merged.cancelledTokens).toEqual([{ kept: withAppointment.id, cancelled: walkIn.id }]);
		const [appt] = await db.select({ status: appointment.status, patientId: appointment.patientId }).from(appointment).where(eq(appointment.id, booked.id));
		expect(appt).toEqual({ status: 'checked_in', patientId: duplicate.id });
	});

	it('moves the duplicate’s appointment onto the kept walk-in token, or cancels it when the kept token has its own', async () => {
		const { home, doctor, deskCtx } = await queueScene(db);
		const [a, b] = [await makePatient(db, home.id), await makePatient(db, home.id)];
		const walkIn = await checkInPatient(db, deskCtx, { patientId: a.id, doctorId: doctor.id, idempotencyKey: key() });
		const booked = await makeAppointment(db, home.id, b.id, doctor.id, new Date());
		const second = await checkInPatient(db, deskCtx, { appointmentId: booked.id, idempotencyKey: key() });
		await mergePatients(db, deskCtx, a.id, { mergeId: b.id });
		const rows = await db.select().from(queueToken).where(eq(queueToken.patientId, a.id));
		expect(rows.find((t) => t.id === walkIn.id)).toMatchObject({ status: 'waiting', appointmentId: booked.id });
		expect(rows.find((t) => t.id === second.id)).toMatchObject({ status: 'cancelled', appointmentId: null });
	});
});

describe('the merge screen’s preview', () => {
	it('tells beforehand which token the merge keeps, which it cancels, where the booking goes and how many bookings move', async () => {
		const { home, doctor, deskCtx, day } = await queueScene(db);
		const [survivor, duplicate] = [await makePatient(db, home.id), await makePatient(db, home.id)];
		const early = await checkInPatient(db, deskCtx, { patientId: survivor.id, doctorId: doctor.id, idempotencyKey: key() });
		const booked = await makeAppointment(db, home.id, duplicate.id, doctor.id, new Date());
		const late = await checkInPatient(db, deskCtx, { appointmentId: booked.id, idempotencyKey: key() });
		for (const days of [1, 2]) await makeAppointment(db, home.id, duplicate.id, doctor.id, new Date(Date.now() + days * 86_400_000));

		const preview = await previewMerge(db, deskCtx, survivor.id, duplicate.id);
		expect(preview).toEqual({
			settle: [{ day, kept: { token: early.token, record: 'survivor' }, cancelled: { token: late.token, record: 'merged' }, appointment: 'moved' }],
			move: [],
			busy: [],
			upcomingAppointments: 2
		});
		const merged = await mergePatients(db, deskCtx, survivor.id, { mergeId: duplicate.id });
		expect(merged.cancelledTokens).toEqual([{ kept: early.id, cancelled: late.id }]);
		const [kept] = await db.select().from(queueToken).where(eq(queueToken.id, early.id));
		expect(kept.appointmentId).toBe(booked.id);
	});

	it('names a token that simply moves over, and warns when two consultations block the merge', async () => {
		const { home, doctor, deskCtx, doctorCtx, day } = await queueScene(db);
		const [survivor, duplicate] = [await makePatient(db, home.id), await makePatient(db, home.id)];
		const only = await checkInPatient(db, deskCtx, { patientId: duplicate.id, doctorId: doctor.id, idempotencyKey: key() });
		expect(await previewMerge(db, deskCtx, survivor.id, duplicate.id)).toEqual({
			settle: [],
			move: [{ day, token: only.token }],
			busy: [],
			upcomingAppointments: 0
		});

		const other = await checkInPatient(db, deskCtx, { patientId: survivor.id, doctorId: doctor.id, idempotencyKey: key() });
		await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() });
		await db.update(queueToken).set({ status: 'with_doctor' }).where(eq(queueToken.id, other.id));
		expect((await previewMerge(db, deskCtx, survivor.id, duplicate.id)).busy).toEqual([{ day, tokens: [other.token, only.token] }]);
		await expect(mergePatients(db, deskCtx, survivor.id, { mergeId: duplicate.id })).rejects.toMatchObject({ code: 'doctor_busy' });
	});

	it('is for those who may merge', async () => {
		const { home, doctorCtx } = await queueScene(db);
		const [a, b] = [await makePatient(db, home.id), await makePatient(db, home.id)];
		await expect(previewMerge(db, doctorCtx, a.id, b.id)).rejects.toMatchObject({ code: 'forbidden' });
	});
});

/** Outcome of one side of a race: what it returned, or the code it was refused with (anything else is a crash, e.g. a deadlock). */
async function settle<T>(
	work: () => Promise<T>,
	jitterMs: number
): Promise<{ ok: true; value: T } | { ok: false; code: string; status: number; message: string }> {
	await new Promise((r) => setTimeout(r, jitterMs));
	try {
		return { ok: true, value: await work() };
	} catch (e) {
		// A database error arrives wrapped: its cause carries PostgreSQL's code (40P01 is a deadlock).
		const { code, status, message, cause } = e as { code?: string; status?: number; message?: string; cause?: { code?: string; message?: string } };
		return { ok: false, code: String(code ?? cause?.code), status: status ?? 500, message: String(cause?.message ?? message) };
	}
}

// Check-in reads the clinic, patient and doctor before its transaction; the merge starts its own at
// once. Holding one side back by a few milliseconds, in turn, lets each win some rounds.
const jitter = (i: number) => (i % 2 === 0 ? ([(i % 13) * 2, 0] as const) : ([0, i % 5] as const));
// PGlite runs one query at a time, so only PostgreSQL really races: it gets the many rounds.
const ROUNDS = process.env.DATABASE_URL ? 30 : 8;

describe('a merge racing a check-in of the same patients', () => {
	async function activeTokens(patientId: string) {
		return db
			.select({ id: queueToken.id })
			.from(queueToken)
			.where(and(eq(queueToken.patientId, patientId), inArray(queueToken.status, ['waiting', 'with_doctor'])));
	}

	it('refuses to check in a record already merged away, saying so in the desk’s words', async () => {
		const { home, doctor, deskCtx } = await queueScene(db);
		const [survivor, duplicate] = [await makePatient(db, home.id), await makePatient(db, home.id)];
		const booked = await makeAppointment(db, home.id, duplicate.id, doctor.id, new Date());
		await mergePatients(db, deskCtx, survivor.id, { mergeId: duplicate.id });
		await expect(checkInPatient(db, deskCtx, { patientId: duplicate.id, idempotencyKey: key() })).rejects.toMatchObject({
			code: 'patient_merged',
			status: 409,
			field: 'patientId'
		});
		expect(errorMessage('patient_merged')).toBe('This record was merged into another one. Check in the record it was merged into.');
		// The booking moved with the merge: it checks in the survivor.
		expect(await checkInPatient(db, deskCtx, { appointmentId: booked.id, idempotencyKey: key() })).toMatchObject({ patientId: survivor.id });
		expect(await activeTokens(duplicate.id)).toEqual([]);
	});

	it('never deadlocks and never leaves a live token on the merged-away record when the duplicate checks in', async () => {
		const { home, doctor, deskCtx } = await queueScene(db);
		const outcomes = new Set<string>();
		for (let i = 0; i < ROUNDS; i++) {
			const [survivor, duplicate] = [await makePatient(db, home.id), await makePatient(db, home.id)];
			await checkInPatient(db, deskCtx, { patientId: survivor.id, doctorId: doctor.id, idempotencyKey: key() });
			const [mergeDelay, checkInDelay] = jitter(i);
			const [merge, checkIn] = await Promise.all([
				settle(() => mergePatients(db, deskCtx, survivor.id, { mergeId: duplicate.id, reason: 'race' }), mergeDelay),
				settle(() => checkInPatient(db, deskCtx, { patientId: duplicate.id, doctorId: doctor.id, idempotencyKey: key() }), checkInDelay)
			]);
			expect(merge, `round ${i}`).toMatchObject({ ok: true });
			if (!checkIn.ok) expect(checkIn, `round ${i}`).toMatchObject({ code: 'patient_merged', status: 409 });
			outcomes.add(checkIn.ok ? 'checked in first' : 'merged first');
			expect(await activeTokens(duplicate.id), `round ${i}`).toEqual([]);
			expect(await activeTokens(survivor.id), `round ${i}`).toHaveLength(1);
		}
		console.info('duplicate checks in during a merge:', [...outcomes].join(', '));
	});

	it('never deadlocks when the survivor checks in while the duplicate’s token moves over', async () => {
		const { home, doctor, deskCtx } = await queueScene(db);
		const outcomes = new Set<string>();
		for (let i = 0; i < ROUNDS; i++) {
			const [survivor, duplicate] = [await makePatient(db, home.id), await makePatient(db, home.id)];
			await checkInPatient(db, deskCtx, { patientId: duplicate.id, doctorId: doctor.id, idempotencyKey: key() });
			const [mergeDelay, checkInDelay] = jitter(i);
			const [merge, checkIn] = await Promise.all([
				settle(() => mergePatients(db, deskCtx, survivor.id, { mergeId: duplicate.id, reason: 'race' }), mergeDelay),
				settle(() => checkInPatient(db, deskCtx, { patientId: survivor.id, doctorId: doctor.id, idempotencyKey: key() }), checkInDelay)
			]);
			expect(merge, `round ${i}`).toMatchObject({ ok: true });
			if (!checkIn.ok) expect(checkIn, `round ${i}`).toMatchObject({ code: 'already_in_queue', status: 409 });
			outcomes.add(checkIn.ok ? 'checked in first' : 'merged first');
			expect(await activeTokens(duplicate.id), `round ${i}`).toEqual([]);
			expect(await activeTokens(survivor.id), `round ${i}`).toHaveLength(1);
		}
		console.info('survivor checks in during a merge:', [...outcomes].join(', '));
	});

	it('refuses the duplicate’s appointment check-in once the merge has won, with the record-merged error', async () => {
		const { home, doctor, deskCtx } = await queueScene(db);
		const outcomes = new Set<string>();
		for (let i = 0; i < ROUNDS; i++) {
			const [survivor, duplicate] = [await makePatient(db, home.id), await makePatient(db, home.id)];
			await checkInPatient(db, deskCtx, { patientId: survivor.id, doctorId: doctor.id, idempotencyKey: key() });
			// A doctor of their own: each round's booking is now, and one doctor's bookings may not overlap.
			const booked = await makeAppointment(db, home.id, duplicate.id, (await makeMember(db, home.id, 'doctor')).id, new Date());
			const [mergeDelay, checkInDelay] = jitter(i);
			const [merge, checkIn] = await Promise.all([
				settle(() => mergePatients(db, deskCtx, survivor.id, { mergeId: duplicate.id, reason: 'race' }), mergeDelay),
				settle(() => checkInPatient(db, deskCtx, { appointmentId: booked.id, idempotencyKey: key() }), checkInDelay)
			]);
			expect(merge, `round ${i}`).toMatchObject({ ok: true });
			// Merged before the check-in read the booking: it is the survivor's now, who is already in the line.
			if (!checkIn.ok) expect(checkIn, `round ${i}`).toMatchObject({ code: expect.stringMatching(/^(patient_merged|already_in_queue)$/), status: 409 });
			outcomes.add(checkIn.ok ? 'checked in first' : checkIn.code);
			expect(await activeTokens(duplicate.id), `round ${i}`).toEqual([]);
			expect(await activeTokens(survivor.id), `round ${i}`).toHaveLength(1);
		}
		console.info('duplicate’s appointment checks in during a merge:', [...outcomes].join(', '));
	});

	it('never deadlocks when the doctor calls one of the two tokens in during the merge', async () => {
		const { home, deskCtx } = await queueScene(db);
		const outcomes = new Set<string>();
		for (let i = 0; i < ROUNDS; i++) {
			const [survivor, duplicate] = [await makePatient(db, home.id), await makePatient(db, home.id)];
			// A doctor of their own, so the next in their line is one of these two.
			const doctor = await makeMember(db, home.id, 'doctor');
			await checkInPatient(db, deskCtx, { patientId: duplicate.id, doctorId: doctor.id, idempotencyKey: key() });
			await checkInPatient(db, deskCtx, { patientId: survivor.id, doctorId: doctor.id, idempotencyKey: key() });
			const [mergeDelay, callDelay] = jitter(i);
			const [merge, call] = await Promise.all([
				settle(() => mergePatients(db, deskCtx, survivor.id, { mergeId: duplicate.id, reason: 'race' }), mergeDelay),
				settle(() => callNext(db, ctxOf(home.id, doctor.id, 'doctor'), { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() }), callDelay)
			]);
			expect(merge, `round ${i}`).toMatchObject({ ok: true });
			expect(call, `round ${i}`).toMatchObject({ ok: true });
			outcomes.add(call.ok && call.value.patientId === survivor.id ? 'merged first' : 'called first');
			expect(await activeTokens(duplicate.id), `round ${i}`).toEqual([]);
			expect(await activeTokens(survivor.id), `round ${i}`).toHaveLength(1);
			expect(await db.select({ id: visit.id }).from(visit).where(eq(visit.patientId, duplicate.id)), `round ${i}`).toEqual([]);
		}
		console.info('doctor calls next during a merge:', [...outcomes].join(', '));
	});
});

describe('a merge racing a booking for the duplicate', () => {
	it('never leaves a booking on the merged-away record: the booking lands before the merge and moves, or is refused', async () => {
		const home = await makeClinic(db, { timezone: 'Asia/Karachi' });
		const desk = await makeMember(db, home.id, 'reception');
		const doctor = await makeMember(db, home.id, 'doctor');
		const deskCtx = ctxOf(home.id, desk.id, 'reception');
		const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '20:00', slotMinutes: 15 }));
		await setAvailability(db, deskCtx, doctor.id, { weekly });
		const day = clinicToday('Asia/Karachi', new Date(Date.now() + 3 * 86_400_000));
		const slot = (i: number) => new Date(Date.parse(`${day}T08:00:00+05:00`) + i * 15 * 60_000).toISOString();
		const outcomes = new Set<string>();
		for (let i = 0; i < ROUNDS; i++) {
			const [survivor, duplicate] = [await makePatient(db, home.id), await makePatient(db, home.id)];
			const [mergeDelay, bookDelay] = jitter(i);
			const [merge, booking] = await Promise.all([
				settle(() => mergePatients(db, deskCtx, survivor.id, { mergeId: duplicate.id, reason: 'race' }), mergeDelay),
				settle(() => bookAppointment(db, deskCtx, { patientId: duplicate.id, doctorId: doctor.id, start: slot(i), idempotencyKey: key() }), bookDelay)
			]);
			expect(merge, `round ${i}`).toMatchObject({ ok: true });
			if (!booking.ok) expect(booking, `round ${i}`).toMatchObject({ code: 'field_invalid', status: 400 });
			outcomes.add(booking.ok ? 'booked first' : 'merged first');
			const left = await db.select({ id: appointment.id }).from(appointment).where(eq(appointment.patientId, duplicate.id));
			expect(left, `round ${i}`).toEqual([]);
			const moved = await db.select({ id: appointment.id }).from(appointment).where(eq(appointment.patientId, survivor.id));
			expect(moved, `round ${i}`).toHaveLength(booking.ok ? 1 : 0);
		}
		console.info('a booking for the duplicate during a merge:', [...outcomes].join(', '));
	});
});
