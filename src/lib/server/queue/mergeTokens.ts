import { and, asc, eq, inArray } from 'drizzle-orm';
import { queueToken, type QueueToken } from '../db/schema';
import { appointment } from '../db/schema/scheduling';
import type { Db, Tx } from '../db';
import type { AuditEntry } from '../audit/audit';
import { AppError } from '../errors';
import { documentName } from '../../sync/protocol';
import { documentsChanged } from '../sync/changes';
import { calendarChanged } from '../scheduling/project';
import { patientAppointmentsChanged } from '../scheduling/patientProject';
import type { ClinicContext } from '../tenancy/context';
import { loadClinic, lockQueue, queueChanged } from './common';
import { tokenLabel } from './queries';

type Reader = Db | Tx;

const ACTIVE = ['waiting', 'with_doctor'] as const;
/** A token that holds, or may take back (a skipped one returns), a place in the day's line. */
const IN_LINE = [...ACTIVE, 'skipped'] as const;

/** One day on which both records hold an active token: which stays, which is cancelled, and what becomes of the cancelled one's appointment. */
export type TokenSettlement = { day: string; kept: QueueToken; dropped: QueueToken; appointment: 'moved' | 'cancelled' | null };

/**
 * What a merge will do to the line, by the rule below: the days it settles, the duplicate's
 * active tokens that simply move to the survivor, and the days no rule can settle (both tokens
 * with a doctor), which make the merge refuse.
 */
export type MergeTokenPlan = { settle: TokenSettlement[]; move: QueueToken[]; busy: [QueueToken, QueueToken][] };

/** What a merge did to the line: the days whose queue changed and the appointments it cancelled. */
export type MergedTokens = { days: string[]; cancelledAppointmentStarts: Date[]; cancelled: { kept: string; cancelled: string }[]; audit: AuditEntry[] };

/**
 * One person holds one place in the line. When two records of the same patient both hold an
 * active token on a day, the merge keeps one and cancels the other (reason `merged`):
 *  - the token already with a doctor stays (the patient is in the room);
 *  - otherwise the one checked in first stays, so the patient never loses their place.
 * An appointment on the cancelled token moves to the kept token when that one has none (the
 * visit is still against the booking); otherwise it is cancelled as a duplicate. Two tokens both
 * with doctors cannot be settled by rule: the merge is refused until one consultation ends.
 * The merge screen shows this plan before the user confirms; the merge applies it under locks.
 */
export async function planTokensForMerge(db: Reader, clinicId: string, survivorId: string, mergedId: string): Promise<MergeTokenPlan> {
	const active = await db
		.select()
		.from(queueToken)
		.where(and(eq(queueToken.clinicId, clinicId), inArray(queueToken.patientId, [survivorId, mergedId]), inArray(queueToken.status, [...ACTIVE])))
		.orderBy(asc(queueToken.day), asc(queueToken.checkedInAt));
	const plan: MergeTokenPlan = { settle: [], move: [], busy: [] };
	for (const day of [...new Set(active.map((t) => t.day))]) {
		const survivors = active.filter((t) => t.day === day && t.patientId === survivorId);
		const duplicates = active.filter((t) => t.day === day && t.patientId === mergedId);
		if (duplicates.length === 0) continue;
		if (survivors.length === 0) {
			plan.move.push(duplicates[0]);
			continue;
		}
		const pair = choose(survivors[0], duplicates[0]);
		if (!pair) {
			plan.busy.push([survivors[0], duplicates[0]]);
			continue;
		}
		const [kept, dropped] = pair;
		plan.settle.push({ day, kept, dropped, appointment: dropped.appointmentId ? (kept.appointmentId ? 'cancelled' : 'moved') : null });
	}
	return plan;
}

function choose(a: QueueToken, b: QueueToken): [QueueToken, QueueToken] | null {
	if (a.status === 'with_doctor' && b.status === 'with_doctor') return null;
	if (a.status === 'with_doctor') return [a, b];
	if (b.status === 'with_doctor') return [b, a];
	return b.checkedInAt.getTime() < a.checkedInAt.getTime() ? [b, a] : [a, b];
}

/**
 * Applies the plan inside the merge's transaction, after the merge has locked both patient rows
 * and before the records' references move. Lock order, shared with check-in: patient rows (by
 * id), then each day's queue (by day), then tokens. Every day on which either record is still in
 * the line is locked before the tokens are read, so no queue command changes them underneath.
 * The audit rows are returned for the merge to record, before its own.
 */
export async function settleTokensForMerge(tx: Tx, ctx: ClinicContext, survivorId: string, mergedId: string, now = new Date()): Promise<MergedTokens> {
	const inLine = await tx
		.selectDistinct({ day: queueToken.day })
		.from(queueToken)
		.where(and(eq(queueToken.clinicId, ctx.clinicId), inArray(queueToken.patientId, [survivorId, mergedId]), inArray(queueToken.status, [...IN_LINE])))
		.orderBy(asc(queueToken.day));
	for (const { day } of inLine) await lockQueue(tx, ctx.clinicId, day);
	const plan = await planTokensForMerge(tx, ctx.clinicId, survivorId, mergedId);
	if (plan.busy.length > 0) {
		const [a, b] = plan.busy[0];
		throw new AppError('doctor_busy', 409, `Tokens ${tokenLabel(a)} and ${tokenLabel(b)} are both with a doctor: complete or send one back, then merge`);
	}
	const result: MergedTokens = {
		days: [...new Set([...plan.settle.map((s) => s.day), ...plan.move.map((t) => t.day)])],
		cancelledAppointmentStarts: [],
		cancelled: [],
		audit: []
	};
	for (const settlement of plan.settle) await cancelForMerge(tx, ctx, settlement, now, result);
	return result;
}

async function cancelForMerge(tx: Tx, ctx: ClinicContext, { kept, dropped, appointment: outcome }: TokenSettlement, now: Date, result: MergedTokens) {
	// Tokens moved by hand to just before the cancelled one now go next (order.ts: an anchor that left the line).
	await tx
		.update(queueToken)
		.set({ status: 'cancelled', cancelReason: 'merged', appointmentId: null, movedBeforeId: null, updatedAt: now })
		.where(eq(queueToken.id, dropped.id));
	if (outcome === 'moved') {
		await tx.update(queueToken).set({ appointmentId: dropped.appointmentId, updatedAt: now }).where(eq(queueToken.id, kept.id));
	} else if (outcome === 'cancelled' && dropped.appointmentId) {
		const [gone] = await tx
			.update(appointment)
			.set({ status: 'cancelled', cancelReason: 'merged', updatedAt: now })
			.where(eq(appointment.id, dropped.appointmentId))
			.returning({ startsAt: appointment.startsAt });
		if (gone) result.cancelledAppointmentStarts.push(gone.startsAt);
	}
	result.audit.push({
		clinicId: ctx.clinicId,
		actorUserId: ctx.actor.userId,
		action: 'queue.cancel',
		entityType: 'queue_token',
		entityId: dropped.id,
		data: {
			token: tokenLabel(dropped),
			day: dropped.day,
			reason: 'merged',
			from: dropped.status,
			keptTokenId: kept.id,
			keptToken: tokenLabel(kept),
			appointmentId: dropped.appointmentId,
			appointment: outcome
		}
	});
	result.cancelled.push({ kept: kept.id, cancelled: dropped.id });
}

/**
 * Inside the merge, once the tokens have moved: the queue, display and live documents of each day
 * it changed, the merged record's own live document, and the calendars of appointments it
 * cancelled (all published after commit).
 */
export async function mergedTokensChanged(tx: Tx, ctx: ClinicContext, survivorId: string, mergedId: string, settled: MergedTokens): Promise<void> {
	for (const day of settled.days) await queueChanged(tx, ctx.clinicId, day);
	await documentsChanged(tx, [documentName.patientLive(mergedId)]);
	// The duplicate's appointments moved to the survivor: both records' lists changed.
	await patientAppointmentsChanged(tx, [survivorId, mergedId]);
	if (settled.cancelledAppointmentStarts.length > 0)
		await calendarChanged(tx, ctx.clinicId, (await loadClinic(tx, ctx.clinicId)).timezone, settled.cancelledAppointmentStarts);
}
