import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, clinic as clinicTable, displayKey, outboxEvent, queueToken, visit } from '../../src/lib/server/db/schema';
import { appointment } from '../../src/lib/server/db/schema/scheduling';
import type { Db } from '../../src/lib/server/db';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { callNext } from '../../src/lib/server/queue/callNext';
import { completeToken, markUrgent, recallToken, reorderToken, sendBackToken, skipToken } from '../../src/lib/server/queue/changeToken';
import { createDisplayKey, displayKeyResolver, hashDisplayKey, revokeDisplayKey } from '../../src/lib/server/queue/displayKeys';
import { loadQueueDay } from '../../src/lib/server/queue/queries';
import { clinicToday } from '../../src/lib/time';
import { testDatabase } from '../db';
import { makeMember } from '../factories';
import { ctxOf, key, makeAppointment, makePatient, queueScene } from './queueScene';

let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

describe('check-in', () => {
	it('issues consecutive, distinct tokens to 60 concurrent check-ins', async () => {
		const { home, deskCtx } = await queueScene(db);
		const people = await Promise.all(Array.from({ length: 60 }, () => makePatient(db, home.id)));
		const tokens = await Promise.all(people.map((p) => checkInPatient(db, deskCtx, { patientId: p.id, idempotencyKey: key() })));
		const numbers = tokens.map((t) => t.number).sort((a, b) => a - b);
		expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
		expect(new Set(tokens.map((t) => t.token)).size).toBe(60);
		// Walk-ins are called in arrival order, and arrival order is token order.
		const byArrival = [...tokens].sort((a, b) => a.checkedInAt.localeCompare(b.checkedInAt) || a.number - b.number);
		expect(byArrival.map((t) => t.number)).toEqual(numbers);
	});

	it('checks an appointment in, records the arrival and moves the appointment to checked_in', async () => {
		const { home, doctor, deskCtx } = await queueScene(db);
		const p = await makePatient(db, home.id);
		const appt = await makeAppointment(db, home.id, p.id, doctor.id, new Date(Date.now() - 20 * 60_000));
		const token = await checkInPatient(db, deskCtx, { appointmentId: appt.id, idempotencyKey: key() });
		expect(token).toMatchObject({ number: 1, token: '001', status: 'waiting', doctorId: doctor.id, arrival: 'late', patientId: p.id });
		expect(token.arrivalMinutes).toBeGreaterThanOrEqual(19);
		const [after] = await db.select().from(appointment).where(eq(appointment.id, appt.id));
		expect(after.status).toBe('checked_in');
		await expect(checkInPatient(db, deskCtx, { appointmentId: appt.id, idempotencyKey: key() })).rejects.toMatchObject({
			code: 'already_in_queue',
			status: 409
		});
		await expect(checkInPatient(db, deskCtx, { patientId: p.id, idempotencyKey: key() })).rejects.toMatchObject({ code: 'already_in_queue' });
	});

	it('keeps a walk-in’s reason for the visit, and an appointment’s own reason unless the desk gives another', async () => {
		const { home, doctor, deskCtx, day } = await queueScene(db);
		const walkIn = await makePatient(db, home.id);
		const token = await checkInPatient(db, deskCtx, { patientId: walkIn.id, reason: '  Fever since <b>two</b> days ', idempotencyKey: key() });
		expect(token.reason).toBe('Fever since <b>two</b> days');
		const booked = await makePatient(db, home.id);
		const appt = await makeAppointment(db, home.id, booked.id, doctor.id, new Date(Date.now() + 5 * 60_000));
		await db.update(appointment).set({ reason: 'Follow-up of blood pressure' }).where(eq(appointment.id, appt.id));
		expect((await checkInPatient(db, deskCtx, { appointmentId: appt.id, idempotencyKey: key() })).reason).toBe('Follow-up of blood pressure');
		const silent = await checkInPatient(db, deskCtx, { patientId: (await makePatient(db, home.id)).id, idempotencyKey: key() });
		expect(silent.reason).toBe('');
		const line = await loadQueueDay(db, home.id, day);
		expect(line.tokens.find((t) => t.id === token.id)?.reason).toBe('Fever since <b>two</b> days');
	});

	it('returns the first token for a retried request and uses no number for refused ones', async () => {
		const { home, doctor, deskCtx } = await queueScene(db);
		const p = await makePatient(db, home.id);
		const k = key();
		const first = await checkInPatient(db, deskCtx, { patientId: p.id, doctorId: doctor.id, idempotencyKey: k });
		const again = await checkInPatient(db, deskCtx, { patientId: p.id, doctorId: doctor.id, idempotencyKey: k });
		expect(again).toEqual(first);
		await expect(checkInPatient(db, deskCtx, { patientId: p.id, idempotencyKey: key() })).rejects.toMatchObject({ code: 'already_in_queue' });
		const next = await checkInPatient(db, deskCtx, { patientId: (await makePatient(db, home.id)).id, idempotencyKey: key() });
		expect(next.number).toBe(2);
	});

	it('refuses bad input with a field error and changes nothing', async () => {
		const { home, doctor, deskCtx, desk } = await queueScene(db);
		const other = await queueScene(db);
		const p = await makePatient(db, home.id);
		const elsewhere = await makePatient(db, other.home.id);
		const tomorrow = await makeAppointment(db, home.id, p.id, doctor.id, new Date(Date.now() + 36 * 3_600_000));
		const cases: [unknown, string, string][] = [
			[{ idempotencyKey: key() }, 'field_invalid', 'patientId'],
			[{ patientId: p.id, appointmentId: tomorrow.id, idempotencyKey: key() }, 'field_invalid', 'patientId'],
			[{ patientId: 'nope', idempotencyKey: key() }, 'field_invalid', 'patientId'],
			[{ patientId: p.id }, 'idempotency_key_required', 'idempotencyKey'],
			[{ patientId: elsewhere.id, idempotencyKey: key() }, 'field_invalid', 'patientId'],
			[{ patientId: p.id, doctorId: desk.id, idempotencyKey: key() }, 'field_invalid', 'doctorId'],
			[{ appointmentId: tomorrow.id, idempotencyKey: key() }, 'not_today', 'appointmentId'],
			[{ patientId: p.id, reason: 'x'.repeat(201), idempotencyKey: key() }, 'field_too_long', 'reason'],
			[{ patientId: p.id, reason: { $ne: null }, idempotencyKey: key() }, 'field_invalid', 'reason']
		];
		for (const [input, code, field] of cases) {
			await expect(checkInPatient(db, deskCtx, input), JSON.stringify(input)).rejects.toMatchObject({ code, field });
		}
		await expect(checkInPatient(db, ctxOf(home.id, desk.id, 'pharmacist'), { patientId: p.id, idempotencyKey: key() })).rejects.toMatchObject({
			code: 'forbidden'
		});
		expect(await db.select().from(queueToken).where(eq(queueToken.clinicId, home.id))).toEqual([]);
	});

	it('numbers per doctor with a prefix when the clinic says so', async () => {
		const { home, doctor, deskCtx } = await queueScene(db);
		const second = await makeMember(db, home.id, 'doctor');
		await db.update(clinicTable).set({ perDoctorTokens: true }).where(eq(clinicTable.id, home.id));
		const a = await checkInPatient(db, deskCtx, { patientId: (await makePatient(db, home.id)).id, doctorId: doctor.id, idempotencyKey: key() });
		const b = await checkInPatient(db, deskCtx, { patientId: (await makePatient(db, home.id)).id, doctorId: second.id, idempotencyKey: key() });
		const c = await checkInPatient(db, deskCtx, { patientId: (await makePatient(db, home.id)).id, doctorId: second.id, idempotencyKey: key() });
		const walkIn = await checkInPatient(db, deskCtx, { patientId: (await makePatient(db, home.id)).id, idempotencyKey: key() });
		expect([a.token, b.token, c.token, walkIn.token]).toEqual(['D1-001', 'D2-001', 'D2-002', '001']);
	});
});

describe('the doctor’s controls', () => {
	it('calls by the rule, starts the visit, and moves through recall, send back, skip and complete', async () => {
		const { home, doctor, deskCtx, doctorCtx } = await queueScene(db);
		const walk = await checkInPatient(db, deskCtx, { patientId: (await makePatient(db, home.id)).id, idempotencyKey: key() });
		const ap = await makePatient(db, home.id);
		const appt = await makeAppointment(db, home.id, ap.id, doctor.id, new Date(Date.now() - 60_000));
		const booked = await checkInPatient(db, deskCtx, { appointmentId: appt.id, idempotencyKey: key() });

		const called = await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() });
		expect(called.id).toBe(booked.id);
		expect(called.status).toBe('with_doctor');
		const [v] = await db.select().from(visit).where(eq(visit.tokenId, booked.id));
		expect(v).toMatchObject({ status: 'open', doctorId: doctor.id, patientId: ap.id, appointmentId: appt.id });
		await expect(callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() })).rejects.toMatchObject({ code: 'doctor_busy' });

		expect((await recallToken(db, doctorCtx, booked.id)).status).toBe('with_doctor');
		expect((await sendBackToken(db, doctorCtx, booked.id)).status).toBe('waiting');
		// Sent back: behind the walk-in who was already waiting, not in front.
		expect((await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() })).id).toBe(walk.id);
		expect((await completeToken(db, doctorCtx, walk.id, { idempotencyKey: crypto.randomUUID() })).status).toBe('completed');
		const again = await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() });
		expect(again.id).toBe(booked.id);
		expect(again.visitId).toBe(v.id);
		expect((await completeToken(db, doctorCtx, booked.id, { idempotencyKey: crypto.randomUUID() })).status).toBe('completed');
		// The token and its appointment complete; the visit stays open for its chart to be completed (visits/completeVisit.ts).
		const [stillOpen] = await db.select().from(visit).where(eq(visit.id, v.id));
		expect(stillOpen.status).toBe('open');
		expect((await db.select().from(appointment).where(eq(appointment.id, appt.id)))[0].status).toBe('completed');
		await expect(callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() })).rejects.toMatchObject({ code: 'queue_empty' });
		await expect(completeToken(db, doctorCtx, booked.id, { idempotencyKey: crypto.randomUUID() })).rejects.toMatchObject({ code: 'token_state' });
	});

	it('skips, recalls a skipped token to the back of the line, and makes a no-show of a second skip', async () => {
		const { home, doctor, deskCtx, doctorCtx } = await queueScene(db);
		const first = await checkInPatient(db, deskCtx, { patientId: (await makePatient(db, home.id)).id, doctorId: doctor.id, idempotencyKey: key() });
		const second = await checkInPatient(db, deskCtx, { patientId: (await makePatient(db, home.id)).id, doctorId: doctor.id, idempotencyKey: key() });
		await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() });
		expect((await skipToken(db, doctorCtx, first.id)).status).toBe('skipped');
		expect((await recallToken(db, doctorCtx, first.id)).status).toBe('waiting');
		expect((await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() })).id).toBe(second.id);
		await completeToken(db, doctorCtx, second.id, { idempotencyKey: crypto.randomUUID() });
		expect((await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() })).id).toBe(first.id);
		expect((await skipToken(db, doctorCtx, first.id)).status).toBe('no_show');
	});

	it('lets a doctor act only on their own line, and gives two doctors calling at once different tokens', async () => {
		const { home, doctor, deskCtx, doctorCtx } = await queueScene(db);
		const other = await makeMember(db, home.id, 'doctor');
		const tokens = [];
		for (let i = 0; i < 4; i++) tokens.push(await checkInPatient(db, deskCtx, { patientId: (await makePatient(db, home.id)).id, idempotencyKey: key() }));
		await expect(callNext(db, doctorCtx, { doctorId: other.id, idempotencyKey: crypto.randomUUID() })).rejects.toMatchObject({ code: 'forbidden' });
		const [a, b] = await Promise.all([
			callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() }),
			callNext(db, ctxOf(home.id, other.id, 'doctor'), { doctorId: other.id, idempotencyKey: crypto.randomUUID() })
		]);
		expect(a.id).not.toBe(b.id);
		await expect(completeToken(db, doctorCtx, b.id, { idempotencyKey: crypto.randomUUID() })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(callNext(db, deskCtx, { doctorId: 'not-a-uuid', idempotencyKey: crypto.randomUUID() })).rejects.toMatchObject({
			code: 'field_invalid',
			field: 'doctorId'
		});
	});

	it('puts an urgent token first with its reason in the audit log; only the desk and admins reorder', async () => {
		const { home, doctor, desk, deskCtx, doctorCtx } = await queueScene(db);
		const t = [];
		for (let i = 0; i < 4; i++)
			t.push(await checkInPatient(db, deskCtx, { patientId: (await makePatient(db, home.id)).id, doctorId: doctor.id, idempotencyKey: key() }));
		await expect(markUrgent(db, deskCtx, t[3].id, { reason: '' })).rejects.toMatchObject({ code: 'field_required', field: 'reason' });
		await markUrgent(db, deskCtx, t[3].id, { reason: 'Chest pain' });
		const [row] = await db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.clinicId, home.id), eq(auditLog.action, 'queue.urgent')));
		expect(row.data).toMatchObject({ reason: 'Chest pain', token: '004' });

		await expect(reorderToken(db, doctorCtx, t[2].id, { position: 1, reason: 'x' })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(reorderToken(db, deskCtx, t[2].id, { position: 1 })).rejects.toMatchObject({ field: 'reason' });
		await reorderToken(db, deskCtx, t[2].id, { position: 1, reason: 'Elderly, waited long' });
		const day = await loadQueueDay(db, home.id, clinicToday(home.timezone));
		expect(day.prediction.map((p) => p.tokenId)).toEqual([t[3].id, t[2].id, t[0].id, t[1].id]);
		const [moved] = await db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.clinicId, home.id), eq(auditLog.action, 'queue.reorder')));
		expect(moved).toMatchObject({ actorUserId: desk.id, data: expect.objectContaining({ reason: 'Elderly, waited long', position: 1 }) });
		expect((await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() })).id).toBe(t[3].id);
		await completeToken(db, doctorCtx, t[3].id, { idempotencyKey: crypto.randomUUID() });
		// The doctor is free long before the plan expected: the moved token still goes where it was put.
		expect((await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() })).id).toBe(t[2].id);
	});

	it('writes "you’re next" to the outbox when two tokens remain before a patient, and when they are called', async () => {
		const { home, doctor, deskCtx, doctorCtx } = await queueScene(db);
		const t = [];
		for (let i = 0; i < 5; i++)
			t.push(await checkInPatient(db, deskCtx, { patientId: (await makePatient(db, home.id)).id, doctorId: doctor.id, idempotencyKey: key() }));
		const near = async () =>
			(
				await db
					.select()
					.from(outboxEvent)
					.where(and(eq(outboxEvent.clinicId, home.id), eq(outboxEvent.type, 'queue.almost_next')))
					.orderBy(outboxEvent.id)
			).map((e) => e.payload.tokenId);
		expect(await near()).toEqual([t[0].id, t[1].id, t[2].id]);
		await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() });
		expect(await near()).toEqual([t[0].id, t[1].id, t[2].id, t[3].id]);
		const called = await db
			.select()
			.from(outboxEvent)
			.where(and(eq(outboxEvent.clinicId, home.id), eq(outboxEvent.type, 'queue.called')));
		expect(called.map((e) => e.payload.tokenId)).toEqual([t[0].id]);
	});
});

describe('display keys', () => {
	it('stores only the hash, resolves a live key to its clinic, and stops resolving once revoked', async () => {
		const { home } = await queueScene(db);
		const admin = await makeMember(db, home.id, 'admin');
		const adminCtx = ctxOf(home.id, admin.id, 'admin');
		const created = await createDisplayKey(db, adminCtx, { name: 'Waiting room 1' });
		expect(created.key).toMatch(/^[a-z2-7]{40}$/);
		const [row] = await db.select().from(displayKey).where(eq(displayKey.id, created.id));
		expect(row.keyHash).toBe(hashDisplayKey(created.key));
		expect(JSON.stringify(row)).not.toContain(created.key);
		const resolve = displayKeyResolver(db);
		expect(await resolve(created.key)).toEqual({ clinicId: home.id, keyId: created.id });
		await expect(createDisplayKey(db, adminCtx, { name: '  ' })).rejects.toMatchObject({ field: 'name' });
		await expect(createDisplayKey(db, ctxOf(home.id, admin.id, 'reception'), { name: 'Hall' })).rejects.toMatchObject({ code: 'forbidden' });
		const other = await queueScene(db);
		await expect(revokeDisplayKey(db, ctxOf(other.home.id, admin.id, 'admin'), created.id)).rejects.toMatchObject({ code: 'not_found' });
		expect((await revokeDisplayKey(db, adminCtx, created.id)).revokedAt).not.toBeNull();
		expect(await resolve(created.key)).toBeNull();
		expect(await resolve('x'.repeat(40))).toBeNull();
	});
});
