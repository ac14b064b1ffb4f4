import { dueAt, eligibleFor, pickNext, rank, type LineToken } from './order';

/**
 * The order rule's prediction of a clinic-day, as one pure function: who is expected to be
 * called when, by which doctor, with how many before them, and who is about to be called. The
 * staff queue, the waiting-room display, each patient's live document and the "nearly your turn"
 * notice all read this one prediction, so what a patient is told is what the rule will do.
 *
 * It plays the rule (order.ts) forward: whichever doctor is free first calls the next token the
 * rule gives them, from their own line and the shared line, and is then busy for one
 * consultation. Two consequences of the rule are made explicit:
 *
 *  - An early appointment patient is predicted no sooner than their appointment time. The rule
 *    reaches them before it only when nobody else is waiting, and every walk-in who arrives in the
 *    meantime goes ahead of them, so their honest estimate is their appointment time (or later,
 *    when the doctor is still busy then). A token moved by hand is not held back: staff put it
 *    where it is called.
 *  - A walk-in of the shared line stays in the shared line: its estimate and `ahead` come from
 *    the doctor expected to take it, but it is nobody's until a doctor calls it.
 *
 * A token is nearly next when at most `NEAR_AHEAD` calls of its expected doctor come before it
 * and nothing but those consultations stands between now and its call (it is not waiting for a
 * later appointment time). Only then is the "nearly your turn" notice sent.
 */

/** Tokens with at most this many calls before them (and nothing else to wait for) are nearly next. */
export const NEAR_AHEAD = 2;

export type DoctorLine = {
	id: string;
	/** When the doctor is next free: now, or when the patient with them is expected to leave. */
	freeAt: Date;
	/** The expected length of one consultation (see estimate.ts). */
	consultationMs: number;
};

export type PredictedToken = {
	tokenId: string;
	/** The line the token waits in: its doctor's, or null for the shared line (next free doctor). */
	line: string | null;
	/** The doctor expected to call it; for a shared token, a forecast only. Null when no doctor working today can call it. */
	doctorId: string | null;
	/** When it is expected to be called; null when no doctor working today can call it. */
	callAt: Date | null;
	/** Calls the expected doctor makes before it (for a token nobody can call: tokens of its line before it). */
	ahead: number;
	/** An early appointment patient held until their appointment: its start. Walk-ins are seen until then. */
	waitsUntil: Date | null;
	/** About to be called by the rule: the "nearly your turn" notice may be sent. */
	nearlyNext: boolean;
	urgent: boolean;
};

type Line = DoctorLine & { free: number; count: number };

/**
 * The waiting tokens in expected call order (earliest call first, tokens nobody can call last),
 * each with its prediction. `doctors` are the doctors working today.
 */
export function predictQueue<T extends LineToken>(waiting: readonly T[], doctors: readonly DoctorLine[], now: Date): PredictedToken[] {
	const lines: Line[] = doctors.map((d) => ({ ...d, free: Math.max(d.freeAt.getTime(), now.getTime()), count: 0 }));
	const pending = new Set(waiting);
	const predicted: PredictedToken[] = [];
	while (pending.size > 0) {
		const chosen = nextCall(lines, [...pending]);
		if (!chosen) break;
		const { line, token } = chosen;
		const held = heldUntil(token, line.free);
		const callAt = Math.max(line.free, held ?? 0);
		predicted.push({
			tokenId: token.id,
			line: token.doctorId,
			doctorId: line.id,
			callAt: new Date(callAt),
			ahead: line.count,
			waitsUntil: held === null ? null : new Date(held),
			nearlyNext: line.count <= NEAR_AHEAD && callAt - now.getTime() <= (line.count + 1) * line.consultationMs,
			urgent: token.urgentAt !== null
		});
		line.count += 1;
		line.free = callAt + line.consultationMs;
		pending.delete(token);
	}
	// Tokens for a doctor who is not working today: listed last, in rule order, with no estimate.
	const unplanned: PredictedToken[] = [];
	for (let token = pickNext([...pending], now); token; token = pickNext([...pending], now)) {
		const line = token.doctorId;
		unplanned.push({
			tokenId: token.id,
			line,
			doctorId: line,
			callAt: null,
			ahead: unplanned.filter((p) => p.line === line).length,
			waitsUntil: null,
			nearlyNext: false,
			urgent: token.urgentAt !== null
		});
		pending.delete(token);
	}
	// Stable: tokens called at the same moment keep the order the rule gave them.
	return [...predicted.sort((a, b) => time(a) - time(b)), ...unplanned];
}

const time = (p: PredictedToken) => p.callAt?.getTime() ?? 0;

/** The doctor free first who has a token to call, and the token the rule gives them then. */
function nextCall<T extends LineToken>(lines: Line[], pending: T[]): { line: Line; token: T } | null {
	for (const line of [...lines].sort((a, b) => a.free - b.free || a.id.localeCompare(b.id))) {
		const token = pickNext(eligibleFor(pending, line.id), new Date(line.free));
		if (token) return { line, token };
	}
	return null;
}

/**
 * An early appointment patient the rule reaches before their time only because nobody else is
 * waiting yet: they are predicted at their appointment's start (ms), since later walk-ins will go first.
 */
function heldUntil(token: LineToken, free: number): number | null {
	if (token.movedBeforeId !== null || rank(token, free).tier !== 4) return null;
	return dueAt(token)?.getTime() ?? null;
}
