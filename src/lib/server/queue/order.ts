/**
 * The queue order rule, as a pure function of the waiting tokens and the time.
 *
 * Every waiting token is in one line: its doctor's (an appointment, or a walk-in who chose a
 * doctor), or the shared line of walk-ins who chose no doctor ("next free doctor"). A shared
 * token belongs to nobody until a doctor calls it; from then on it is that doctor's token.
 *
 * When a doctor is free at time `t`, the next token for them is chosen among their own line and
 * the shared line together, by one ranking (a shared walk-in is not a second-class token, nor
 * does it jump anyone), in this order of precedence:
 *
 *  1. An urgent token: the earliest marked urgent first.
 *  2. A token that is due at `t`: an appointment patient who is present and whose appointment
 *     has begun (earliest appointment first).
 *  3. Otherwise, walk-ins in arrival order, the doctor's own and the shared line's alike. Late
 *     appointment patients (more than `LATE_GRACE_MINUTES` after their start) have lost their
 *     slot and queue here by arrival too. A token that re-enters the line (recalled after a
 *     skip, or sent back by the doctor) queues here by the time it returned: behind everyone
 *     already waiting, never at the front.
 *  4. Otherwise (nobody due and no walk-ins), an early appointment patient, earliest appointment first.
 *
 * Walk-ins therefore fill the gaps between appointments, and an appointment patient who is
 * present is called at their time. Ties go to the lower token number. Two doctors calling at
 * the same moment never get the same token: calls of one clinic-day are serialised
 * (`lockQueue` in common.ts), so the second sees the first's call and gets the token after it.
 *
 * Staff may move a token by hand (with a reason) to just before another waiting token of the
 * same line: it is then called right before that token, whenever the rule reaches it. If that
 * token leaves the line first (called elsewhere, skipped), the moved token goes next, after
 * urgent ones.
 *
 * What the rule implies for the rest of the day (who is called when, and who is nearly next) is
 * played forward in prediction.ts.
 */

export const LATE_GRACE_MINUTES = 10;

export type LineToken = {
	id: string;
	number: number;
	/** Null: a walk-in who will see whichever doctor is free first. */
	doctorId: string | null;
	checkedInAt: Date;
	/** Start of the appointment the patient checked in for (null for walk-ins). */
	appointmentStart: Date | null;
	/** Arrived more than the grace period after the appointment's start. */
	late: boolean;
	urgentAt: Date | null;
	returnedAt: Date | null;
	/** Moved by hand to just before this token… */
	movedBeforeId: string | null;
	/** …at this time (orders tokens moved before the same one, or whose anchor has left). */
	movedAt: Date | null;
};

/** From when the token is due (tier 2), or null when it queues by arrival (tier 3). */
export function dueAt(token: LineToken): Date | null {
	if (token.returnedAt || token.late || !token.appointmentStart) return null;
	return token.appointmentStart;
}

export function arrivalKey(token: LineToken): Date {
	return token.returnedAt ?? token.checkedInAt;
}

type Ranked = { tier: number; key: number };

/** The token's tier (1–4, as numbered above) and its sort key within the tier, at time `at` (ms). */
export function rank(token: LineToken, at: number): Ranked {
	if (token.urgentAt) return { tier: 1, key: token.urgentAt.getTime() };
	const due = dueAt(token);
	if (due && due.getTime() <= at) return { tier: 2, key: due.getTime() };
	if (!due) return { tier: 3, key: arrivalKey(token).getTime() };
	return { tier: 4, key: due.getTime() };
}

const isAnchored = (token: LineToken, ids: ReadonlySet<string>) => token.movedBeforeId !== null && ids.has(token.movedBeforeId);

function byRule<T extends LineToken>(candidates: readonly T[], at: Date, orphaned: (t: T) => boolean): T | null {
	let best: T | null = null;
	let bestRank: Ranked | null = null;
	for (const token of candidates) {
		// A moved token whose anchor has left the line goes next, after urgent ones.
		const r = !token.urgentAt && orphaned(token) ? { tier: 1.5, key: token.movedAt?.getTime() ?? 0 } : rank(token, at.getTime());
		if (
			!best ||
			!bestRank ||
			r.tier < bestRank.tier ||
			(r.tier === bestRank.tier && (r.key < bestRank.key || (r.key === bestRank.key && token.number < best.number)))
		) {
			best = token;
			bestRank = r;
		}
	}
	return best;
}

/** The token the rule calls next at time `at` among `candidates`, or null when there is none. */
export function pickNext<T extends LineToken>(candidates: readonly T[], at: Date): T | null {
	const ids = new Set(candidates.map((c) => c.id));
	const free = candidates.filter((t) => t.urgentAt || !isAnchored(t, ids));
	// Two tokens moved before each other leave no free token: then the rule alone decides.
	let next = byRule(free.length > 0 ? free : candidates, at, (t) => t.movedBeforeId !== null);
	// Tokens moved before the chosen one go first (and tokens moved before those, first of all).
	for (let guard = 0; next && guard < candidates.length; guard++) {
		const anchor: T = next;
		const before = candidates
			.filter((t) => !t.urgentAt && t.movedBeforeId === anchor.id)
			.sort((a, b) => (a.movedAt?.getTime() ?? 0) - (b.movedAt?.getTime() ?? 0) || a.number - b.number)[0];
		if (!before) break;
		next = before;
	}
	return next;
}

/** The tokens a doctor may call: their own line and the shared line (walk-ins who chose no doctor). */
export function eligibleFor<T extends LineToken>(tokens: readonly T[], doctorId: string): T[] {
	return tokens.filter((t) => t.doctorId === null || t.doctorId === doctorId);
}

/**
 * Where a token moved by hand goes: before the token now at `index` of a line as predicted
 * without it (prediction.ts). Null past the end of the line: the caller then queues it from now,
 * as if it had just returned. A token cannot pass urgent ones.
 */
export function placeBefore(line: readonly { tokenId: string; urgent: boolean }[], index: number): string | null {
	const regular = line.filter((p) => !p.urgent);
	const urgentCount = line.length - regular.length;
	return regular[Math.max(0, index - urgentCount)]?.tokenId ?? null;
}
