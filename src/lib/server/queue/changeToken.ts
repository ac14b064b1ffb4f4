import { and, eq, inArray } from 'drizzle-orm';
import { queueToken, visit, type Clinic, type QueueToken } from '../db/schema';
import { calendarChanged } from '../scheduling/project';
import { appointment } from '../db/schema/scheduling';
import { patientAppointmentsChanged } from '../scheduling/patientProject';
import type { Db, Tx } from '../db';
import { optionalIdempotency, requiredIdempotency, runCommand, type Idempotency } from '../command';
import { badRequest, forbidden } from '../errors';
import { parseInput } from '../validation';
import { isUuid } from '../text';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { reorderInput, tokenChangeInput, urgentInput } from './schema';
import { placeBefore } from './order';
import { loadQueueDay } from './queries';
import { isClinicDoctor } from '../tenancy/doctors';
import { audit, loadClinic, lockQueue, lockToken, presentToken, queueChanged, queueNearNotices, refuseTransition, today, type TokenView } from './common';
import { notifyCalled, startVisit } from './callNext';

/** A token skipped this many times is recorded as a no-show (and so is its appointment). */
export const NO_SHOW_AFTER_SKIPS = 2;

type Change = (tx: Tx, row: QueueToken, now: Date) => Promise<Partial<typeof queueToken.$inferInsert> | null>;

/**
 * One state change of one of today's tokens: lock the line and the token, check who may, apply,
 * audit, refresh the "you're next" notices, and name the day's documents (published after commit).
 */
async function changeToken(
	db: Db,
	ctx: ClinicContext,
	tokenId: string,
	action: string,
	check: (row: QueueToken) => boolean,
	change: Change,
	data: Record<string, unknown> = {},
	idempotency: Idempotency | null = null
) {
	const home = await loadClinic(db, ctx.clinicId);
	const now = new Date();
	const day = today(home, now);
	return runCommand(db, idempotency, async (tx) => {
		await lockQueue(tx, ctx.clinicId, day);
		const current = await lockToken(tx, ctx.clinicId, tokenId);
		if (!check(current)) throw forbidden();
		const set = await change(tx, current, now);
		const [row] = set
			? await tx
					.update(queueToken)
					.set({ ...set, updatedAt: now })
					.where(eq(queueToken.id, current.id))
					.returning()
			: [current];
		await audit(tx, ctx, action, row, { from: current.status, to: row.status, ...data });
		await queueNearNotices(tx, ctx.clinicId, current.day, now);
		await queueChanged(tx, ctx.clinicId, current.day);
		return presentToken(row);
	});
}

const doctorOf = (row: QueueToken) => row.calledBy ?? row.doctorId;

/** The optional key of a token change a retry would merely repeat (a second recall, a second skip). */
function optionalKey(ctx: ClinicContext, action: string, tokenId: string, input: unknown): Idempotency | null {
	const { idempotencyKey } = parseInput(tokenChangeInput, input);
	return optionalIdempotency(`${action}:${ctx.clinicId}`, ctx.actor.userId, idempotencyKey, { tokenId });
}

const mayCall = (ctx: ClinicContext) => (row: QueueToken) => can(ctx.actor, 'queue.call', { doctorId: doctorOf(row) });

/**
 * "Recall": a token with the doctor is called again (the display announces it once more); a
 * skipped token comes back into the line, queued by the time it returned (order.ts), not in front.
 */
export async function recallToken(db: Db, ctx: ClinicContext, tokenId: string, input: unknown = {}): Promise<TokenView> {
	const idempotency = optionalKey(ctx, 'queue.recall', tokenId, input);
	return changeToken(
		db,
		ctx,
		tokenId,
		'queue.recall',
		mayCall(ctx),
		async (tx, row, now) => {
			if (row.status === 'with_doctor') {
				const [open] = await tx.select({ id: visit.id }).from(visit).where(eq(visit.tokenId, row.id));
				await notifyCalled(tx, row, doctorOf(row)!, open?.id ?? (await startVisit(tx, row, doctorOf(row)!, now)));
				return { callCount: row.callCount + 1 };
			}
			if (row.status === 'skipped') return { status: 'waiting', returnedAt: now, movedBeforeId: null, movedAt: null };
			return refuseTransition(row);
		},
		{},
		idempotency
	);
}

/** The patient did not come when called (or left): out of the line; twice makes a no-show. */
export async function skipToken(db: Db, ctx: ClinicContext, tokenId: string, input: unknown = {}): Promise<TokenView> {
	const idempotency = optionalKey(ctx, 'queue.skip', tokenId, input);
	return changeToken(
		db,
		ctx,
		tokenId,
		'queue.skip',
		mayCall(ctx),
		async (tx, row) => {
			if (row.status !== 'waiting' && row.status !== 'with_doctor') return refuseTransition(row);
			const skips = row.skipCount + 1;
			if (skips < NO_SHOW_AFTER_SKIPS) return { status: 'skipped', skipCount: skips };
			if (row.appointmentId) {
				await tx.update(appointment).set({ status: 'no_show', updatedAt: new Date() }).where(eq(appointment.id, row.appointmentId));
				await patientAppointmentsChanged(tx, [row.patientId]);
			}
			return { status: 'no_show', skipCount: skips };
		},
		{},
		idempotency
	);
}

/** The doctor sends the patient back to wait (for a test, a report): the visit stays open. */
export async function sendBackToken(db: Db, ctx: ClinicContext, tokenId: string, input: unknown = {}): Promise<TokenView> {
	const idempotency = optionalKey(ctx, 'queue.send_back', tokenId, input);
	return changeToken(
		db,
		ctx,
		tokenId,
		'queue.send_back',
		mayCall(ctx),
		async (_tx, row, now) => {
			if (row.status !== 'with_doctor') return refuseTransition(row);
			return { status: 'waiting', returnedAt: now, movedBeforeId: null, movedAt: null, urgent: false, urgentAt: null };
		},
		{},
		idempotency
	);
}

/**
 * The patient leaves the doctor: the token and its appointment complete. The visit stays open
 * for its chart to be completed ("complete visit", visits/completeVisit.ts, which completes the
 * token too when it is still with the doctor). A retry with the same key answers as the first
 * did rather than refusing a token that is already completed.
 */
export async function completeToken(db: Db, ctx: ClinicContext, tokenId: string, input: unknown): Promise<TokenView> {
	// Whose line it is decides who may complete it, before anything else (even a missing key) is said.
	const [target] = isUuid(tokenId)
		? await db
				.select()
				.from(queueToken)
				.where(and(eq(queueToken.clinicId, ctx.clinicId), eq(queueToken.id, tokenId)))
		: [];
	if (target && !mayCall(ctx)(target)) throw forbidden();
	const { idempotencyKey } = parseInput(tokenChangeInput, input);
	const idempotency = requiredIdempotency(`queue.complete:${ctx.clinicId}`, ctx.actor.userId, idempotencyKey, { tokenId });
	const home = await loadClinic(db, ctx.clinicId);
	return changeToken(
		db,
		ctx,
		tokenId,
		'queue.complete',
		mayCall(ctx),
		async (tx, row, now) => {
			if (row.status !== 'with_doctor') return refuseTransition(row);
			if (row.appointmentId) await completeAppointment(tx, home, row.appointmentId, row.patientId, now);
			return { status: 'completed', completedAt: now };
		},
		{},
		idempotency
	);
}

/** A consultation's appointment is over: completed (unless already ended otherwise), and the calendar and the patient's documents named. */
export async function completeAppointment(tx: Tx, home: Pick<Clinic, 'id' | 'timezone'>, appointmentId: string, patientId: string, now: Date): Promise<void> {
	const [done] = await tx
		.update(appointment)
		.set({ status: 'completed', updatedAt: now })
		.where(and(eq(appointment.id, appointmentId), inArray(appointment.status, ['checked_in', 'confirmed', 'requested'])))
		.returning({ startsAt: appointment.startsAt });
	await patientAppointmentsChanged(tx, [patientId]);
	if (done) await calendarChanged(tx, home.id, home.timezone, [done.startsAt]);
}

/**
 * Inside "complete visit" (which holds the token's day lock): its token, when still with the
 * doctor, completes as `completeToken` does it, with the same audit entry and documents.
 */
export async function completeTokenOfVisit(tx: Tx, ctx: ClinicContext, tokenId: string, now: Date): Promise<void> {
	const current = await lockToken(tx, ctx.clinicId, tokenId);
	if (current.status !== 'with_doctor') return;
	const [row] = await tx.update(queueToken).set({ status: 'completed', completedAt: now, updatedAt: now }).where(eq(queueToken.id, current.id)).returning();
	await audit(tx, ctx, 'queue.complete', row, { from: current.status, to: row.status, byVisit: true });
	await queueNearNotices(tx, ctx.clinicId, current.day, now);
	await queueChanged(tx, ctx.clinicId, current.day);
}

/** Moves a waiting token to the front, with the reason in the audit log. */
export async function markUrgent(db: Db, ctx: ClinicContext, tokenId: string, input: unknown): Promise<TokenView> {
	if (!can(ctx.actor, 'queue.urgent')) throw forbidden();
	const { reason, idempotencyKey } = parseInput(urgentInput, input);
	const idempotency = optionalIdempotency(`queue.urgent:${ctx.clinicId}`, ctx.actor.userId, idempotencyKey, { tokenId, reason });
	return changeToken(
		db,
		ctx,
		tokenId,
		'queue.urgent',
		() => true,
		async (_tx, row, now) => {
			if (row.status !== 'waiting') return refuseTransition(row);
			return { urgent: true, urgentAt: row.urgentAt ?? now, urgentReason: reason };
		},
		{ reason },
		idempotency
	);
}

/**
 * Staff drag a waiting token to another place in its line (its doctor's, or the shared line), or
 * into a doctor's line, with a reason (admins and the desk). The token is then called just before
 * the token that held that place (order.ts).
 */
export async function reorderToken(db: Db, ctx: ClinicContext, tokenId: string, input: unknown): Promise<TokenView> {
	if (!can(ctx.actor, 'queue.reorder')) throw forbidden();
	const data = parseInput(reorderInput, input);
	const idempotency = optionalIdempotency(`queue.reorder:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { tokenId, ...data });
	return changeToken(
		db,
		ctx,
		tokenId,
		'queue.reorder',
		() => true,
		async (tx, row, now) => {
			if (row.status !== 'waiting') return refuseTransition(row);
			if (data.doctorId && !(await isClinicDoctor(tx, row.clinicId, data.doctorId)))
				throw badRequest('No such doctor in this clinic', 'doctorId', 'field_invalid');
			// Its doctor's line, or the shared line for a walk-in who chose nobody (unless moved to a doctor's).
			const lineDoctor = data.doctorId ?? row.doctorId;
			// The line as predicted without the token: its new neighbours' places are what the rule compares.
			const without = await loadQueueDay(tx, row.clinicId, row.day, now, row.id);
			const line = without.prediction.filter((p) => p.line === lineDoctor);
			const before = placeBefore(line, data.position);
			// Past the end of the line: behind everyone waiting now, as if it had just come back.
			const place = before ? { movedBeforeId: before, returnedAt: row.returnedAt } : { movedBeforeId: null, returnedAt: now };
			return { ...place, movedAt: now, ...(data.doctorId ? { doctorId: data.doctorId } : {}) };
		},
		{ position: data.position, reason: data.reason, doctorId: data.doctorId ?? null },
		idempotency
	);
}
