import { and, eq, sql } from 'drizzle-orm';
import { clinic, queueToken, type Clinic, type QueueToken } from '../db/schema';
import { emit } from '../notifications/outbox';
import type { Db, Tx } from '../db';
import { appendAudit } from '../audit/audit';
import { AppError, notFound } from '../errors';
import { documentName } from '../../sync/protocol';
import { documentsChanged } from '../sync/changes';
import { clinicToday } from '../../time';
import type { ClinicContext } from '../tenancy/context';
import { loadQueueDay, tokenLabel } from './queries';
import { waitMinutes } from './estimate';
import { isUuid } from '../text';

export type TokenView = {
	id: string;
	token: string;
	number: number;
	prefix: string;
	day: string;
	status: QueueToken['status'];
	patientId: string;
	doctorId: string | null;
	appointmentId: string | null;
	arrival: QueueToken['arrival'];
	arrivalMinutes: number | null;
	urgent: boolean;
	/** Why the patient came (empty when nobody said). */
	reason: string;
	checkedInAt: string;
	calledAt: string | null;
	completedAt: string | null;
	/** The room the token was called to. */
	roomId: string | null;
	/** That room's name (call next only). */
	room?: string | null;
	visitId?: string | null;
	cancelReason?: string | null;
};

export function presentToken(row: QueueToken, extra: { visitId?: string | null; room?: string | null } = {}): TokenView {
	return {
		id: row.id,
		token: tokenLabel(row),
		number: row.number,
		prefix: row.prefix,
		day: row.day,
		status: row.status,
		patientId: row.patientId,
		doctorId: row.calledBy ?? row.doctorId,
		appointmentId: row.appointmentId,
		arrival: row.arrival,
		arrivalMinutes: row.arrivalMinutes,
		urgent: row.urgent,
		reason: row.reason,
		checkedInAt: row.checkedInAt.toISOString(),
		calledAt: row.calledAt?.toISOString() ?? null,
		completedAt: row.completedAt?.toISOString() ?? null,
		roomId: row.roomId,
		...(row.cancelReason ? { cancelReason: row.cancelReason } : {}),
		...extra
	};
}

export async function loadClinic(db: Db | Tx, clinicId: string): Promise<Clinic> {
	const [home] = await db.select().from(clinic).where(eq(clinic.id, clinicId));
	if (!home) throw notFound();
	return home;
}

export const today = (home: Pick<Clinic, 'timezone'>, now = new Date()) => clinicToday(home.timezone, now);

/** Serializes the commands that change one clinic-day's line, so two doctors never call one token. */
export async function lockQueue(tx: Tx, clinicId: string, day: string): Promise<void> {
	await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`queue:${clinicId}:${day}`}))`);
}

/** The token, locked, in this clinic; anything else is simply not found. */
export async function lockToken(tx: Tx, clinicId: string, tokenId: string): Promise<QueueToken> {
	if (!isUuid(tokenId)) throw notFound('No such token');
	const [row] = await tx
		.select()
		.from(queueToken)
		.where(and(eq(queueToken.clinicId, clinicId), eq(queueToken.id, tokenId)))
		.for('update');
	if (!row) throw notFound('No such token');
	return row;
}

export function refuseTransition(row: QueueToken): never {
	throw new AppError('token_state', 409, `A ${row.status} token cannot be changed that way`, undefined, { status: row.status });
}

export async function audit(tx: Tx, ctx: ClinicContext, action: string, row: QueueToken, data: Record<string, unknown> = {}) {
	await appendAudit(tx, {
		clinicId: ctx.clinicId,
		actorUserId: ctx.actor.userId,
		action,
		entityType: 'queue_token',
		entityId: row.id,
		data: { token: tokenLabel(row), day: row.day, ...data }
	});
}

/**
 * The "nearly your turn" notices, in the command's own transaction: once per token, when the
 * order rule's prediction says it is about to be called (`nearlyNext` in prediction.ts: at most
 * `NEAR_AHEAD` calls before it, and no later appointment time to wait for), and when it is called
 * (`queue.called`, written by callNext). The notification worker delivers them by email and web push.
 */
export async function queueNearNotices(tx: Tx, clinicId: string, day: string, now = new Date()): Promise<void> {
	const { prediction, tokens } = await loadQueueDay(tx, clinicId, day, now);
	for (const predicted of prediction) {
		if (!predicted.nearlyNext || !predicted.callAt) continue;
		const row = tokens.find((t) => t.id === predicted.tokenId);
		if (!row || row.nearNotifiedAt) continue;
		await tx.update(queueToken).set({ nearNotifiedAt: now }).where(eq(queueToken.id, row.id));
		await emit(tx, clinicId, {
			type: 'queue.almost_next',
			payload: {
				tokenId: row.id,
				patientId: row.patientId,
				token: tokenLabel(row),
				ahead: predicted.ahead,
				waitMinutes: waitMinutes(now, predicted.callAt),
				// The shared line's walk-ins are nobody's until called: no doctor is named.
				doctorId: predicted.line
			}
		});
	}
}

/**
 * Inside a queue command: the staff queue, the display, and the live documents of every patient
 * in the day's line (one change moves everyone behind it), published after commit. Only
 * documents some instance holds are rebuilt, so naming them all is cheap.
 */
export async function queueChanged(tx: Tx, clinicId: string, day: string): Promise<void> {
	const rows = await tx
		.selectDistinct({ patientId: queueToken.patientId })
		.from(queueToken)
		.where(and(eq(queueToken.clinicId, clinicId), eq(queueToken.day, day)));
	await documentsChanged(tx, [
		documentName.queue(clinicId, day),
		documentName.display(clinicId, day),
		...rows.map((r) => documentName.patientLive(r.patientId))
	]);
}
