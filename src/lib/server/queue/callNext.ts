import { and, eq } from 'drizzle-orm';
import { queueToken, visit, type QueueToken } from '../db/schema';
import { emit } from '../notifications/outbox';
import type { Db, Tx } from '../db';
import { requiredIdempotency, runCommand } from '../command';
import { AppError, badRequest, forbidden } from '../errors';
import { parseInput } from '../validation';
import { nextNumber } from '../tenancy/counters';
import { referralsSeen } from '../referrals/referrals';
import type { ClinicContext } from '../tenancy/context';
import { isClinicDoctor } from '../tenancy/doctors';
import { can } from './policy';
import { callNextInput } from './schema';
import { eligibleFor, pickNext } from './order';
import { dayTokens, doctorRoomsOn, lineToken, tokenLabel } from './queries';
import { activeRoom, recordDayRoom } from './rooms';
import { audit, loadClinic, lockQueue, presentToken, queueChanged, queueNearNotices, today, type TokenView } from './common';

/**
 * Calling a token starts the patient's visit in the room of the call, or goes on with the one a
 * send-back left open (in the room of this call). A visit already completed ("complete visit"
 * while the patient was sent back to wait) is never opened again: its record is final, and the
 * call goes on under it (anything more is an addendum).
 */
export async function startVisit(tx: Tx, row: QueueToken, doctorId: string, now: Date): Promise<string> {
	const [existing] = await tx.select({ id: visit.id, status: visit.status }).from(visit).where(eq(visit.tokenId, row.id));
	if (existing?.status === 'completed') return existing.id;
	if (existing) {
		await tx.update(visit).set({ doctorId, roomId: row.roomId }).where(eq(visit.id, existing.id));
		return existing.id;
	}
	const refNo = await nextNumber(tx, row.clinicId, 'V');
	const [created] = await tx
		.insert(visit)
		.values({
			clinicId: row.clinicId,
			refNo,
			patientId: row.patientId,
			doctorId,
			appointmentId: row.appointmentId,
			tokenId: row.id,
			roomId: row.roomId,
			startedAt: now
		})
		.returning({ id: visit.id });
	await referralsSeen(tx, row.clinicId, row.patientId, doctorId, created.id);
	return created.id;
}

export async function notifyCalled(tx: Tx, row: QueueToken, doctorId: string, visitId: string) {
	await emit(tx, row.clinicId, { type: 'queue.called', payload: { tokenId: row.id, patientId: row.patientId, token: tokenLabel(row), doctorId, visitId } });
}

/**
 * "Call next": the doctor takes the next token the order rule gives them (see order.ts), from
 * their own line and the shared line, the patient moves to "with doctor" and their visit starts.
 * A walk-in taken from the shared line becomes this doctor's token (sent back, it returns to
 * their line, where its open visit is). A doctor still with a patient must finish with them
 * first; an empty line answers `queue_empty`. The patient is sent to the doctor's room for the
 * day (`roomId` changes it first, for the rest of the day). Calls of one clinic-day queue behind
 * the day's lock, so two doctors pressing at once never take the same token.
 */
export async function callNext(db: Db, ctx: ClinicContext, input: unknown, now = new Date()): Promise<TokenView> {
	const data = parseInput(callNextInput, input);
	const { doctorId, roomId } = data;
	if (!can(ctx.actor, 'queue.call', { doctorId })) throw forbidden();
	// A retried call answers with the patient it called, never calls the one after.
	const idempotency = requiredIdempotency(`queue.call:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, data);
	if (!(await isClinicDoctor(db, ctx.clinicId, doctorId))) throw badRequest('No such doctor in this clinic', 'doctorId', 'field_invalid');
	if (roomId) await activeRoom(db, ctx.clinicId, roomId);
	const home = await loadClinic(db, ctx.clinicId);
	const day = today(home, now);
	return runCommand(db, idempotency, async (tx) => {
		// Read the line only once the lock is held: a call that waited sees the call before it.
		await lockQueue(tx, ctx.clinicId, day);
		const tokens = await dayTokens(tx, ctx.clinicId, day);
		const busy = tokens.find((t) => t.status === 'with_doctor' && (t.calledBy ?? t.doctorId) === doctorId);
		if (busy) throw new AppError('doctor_busy', 409, `Token ${tokenLabel(busy)} is still with the doctor`);
		const waiting = tokens.filter((t) => t.status === 'waiting');
		const next = pickNext(eligibleFor(waiting.map(lineToken), doctorId), now);
		const chosen = next && waiting.find((t) => t.id === next.id);
		if (!chosen) throw new AppError('queue_empty', 409, 'Nobody is waiting for this doctor');
		if (roomId) await recordDayRoom(tx, ctx, doctorId, day, roomId);
		const room = (await doctorRoomsOn(tx, ctx.clinicId, day, [doctorId])).get(doctorId) ?? null;
		const [row] = await tx
			.update(queueToken)
			.set({
				status: 'with_doctor',
				doctorId,
				calledAt: now,
				calledBy: doctorId,
				roomId: room?.id ?? null,
				callCount: chosen.callCount + 1,
				updatedAt: now
			})
			.where(and(eq(queueToken.id, chosen.id), eq(queueToken.status, 'waiting')))
			.returning();
		const visitId = await startVisit(tx, row, doctorId, now);
		await audit(tx, ctx, 'queue.call', row, { doctorId, visitId, ...(chosen.doctorId === null ? { fromSharedLine: true } : {}) });
		await notifyCalled(tx, row, doctorId, visitId);
		await queueNearNotices(tx, ctx.clinicId, day, now);
		await queueChanged(tx, ctx.clinicId, day);
		return presentToken(row, { visitId, room: room?.name ?? null });
	});
}
