/**
 * The queue order rule, as a pure function of the waiting tokens and the time.
 *
 * When a doctor is free at time `t`, the next token for them (their own tokens and walk-ins who
 * chose no doctor) is, in this order of precedence:
 *
 *  1. An urgent token: the earliest marked urgent first.
 *  2. A token that is due at `t`: an appointment patient who is present and whose appointment
 *     has begun (earliest appointment first).
 *  3. Otherwise, walk-ins in arrival order. Late appointment patients (more than
 *     `LATE_GRACE_MINUTES` after their start) have lost their slot and queue here by arrival too.
 *     A token that re-enters the line (recalled after a skip, or sent back by the doctor) queues
 *     here by the time it returned: behind everyone already waiting, never at the front.
 *  4. Otherwise (nobody due and no walk-ins), an early appointment patient, earliest appointment first.
 *
 * Walk-ins therefore fill the gaps between appointments, and an appointment patient who is
 * present is called at their time. Ties go to the lower token number.
 *
 * Staff may move a token by hand (with a reason) to just before another waiting token: it is
 * then called right before that token, whenever the rule reaches it. If that token leaves the
 * line first (called elsewhere, skipped), the moved token goes next, after urgent ones.
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

function rank(token: LineToken, at: number): Ranked {
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

/** The tokens a doctor may call: their own and walk-ins who chose no doctor. */
export function eligibleFor<T extends LineToken>(tokens: readonly T[], doctorId: string): T[] {
	return tokens.filter((t) => t.doctorId === null || t.doctorId === doctorId);
}

export type DoctorLine = {
	id: string;
	/** When the doctor is next free: now, or when the patient with them is expected to leave. */
	freeAt: Date;
	/** The expected length of one consultation (see estimate.ts). */
	consultationMs: number;
};

export type PlannedToken = {
	tokenId: string;
	/** The doctor expected to call the token (a walk-in without a chosen doctor gets one here). */
	doctorId: string | null;
	/** When the token is expected to be called. */
	callAt: Date;
	/** Tokens expected to be called before it by the same doctor. */
	ahead: number;
	/** The rule's sort key at that moment (see `placeBetween`). */
	key: number;
	tier: number;
};

/**
 * Plays the rule forward: whichever doctor is free first takes the next token the rule gives
 * them, and is busy for one consultation. The result is the expected order, each token's
 * expected call time (its estimated wait) and how many are ahead of it.
 */
export function planQueue<T extends LineToken>(waiting: readonly T[], doctors: readonly DoctorLine[], now: Date): PlannedToken[] {
	const lines = doctors.length > 0 ? doctors.map((d) => ({ ...d, free: Math.max(d.freeAt.getTime(), now.getTime()), count: 0 })) : [];
	const pending = new Set(waiting);
	const plan: PlannedToken[] = [];
	while (pending.size > 0) {
		let chosen: { line: (typeof lines)[number]; token: T } | null = null;
		for (const line of [...lines].sort((a, b) => a.free - b.free || a.id.localeCompare(b.id))) {
			const token = pickNext(eligibleFor([...pending], line.id), new Date(line.free));
			if (token) {
				chosen = { line, token };
				break;
			}
		}
		if (!chosen) {
			// Tokens for a doctor who is not working today: listed last, in rule order, with no estimate.
			const token = pickNext([...pending], now);
			if (!token) break;
			const r = rank(token, now.getTime());
			plan.push({
				tokenId: token.id,
				doctorId: token.doctorId,
				callAt: now,
				ahead: plan.filter((p) => p.doctorId === token.doctorId).length,
				key: r.key,
				tier: r.tier
			});
			pending.delete(token);
			continue;
		}
		const { line, token } = chosen;
		const r = rank(token, line.free);
		plan.push({ tokenId: token.id, doctorId: line.id, callAt: new Date(line.free), ahead: line.count, key: r.tier === 3 ? line.free : r.key, tier: r.tier });
		line.count += 1;
		line.free += line.consultationMs;
		pending.delete(token);
	}
	return plan;
}

/**
 * Where a token moved by hand goes: before the token now at `index` of a doctor's planned line
 * (planned without it). Null past the end of the line: the caller then queues it from now, as
 * if it had just returned. A token cannot pass urgent ones.
 */
export function placeBefore(line: readonly PlannedToken[], index: number): string | null {
	const regular = line.filter((p) => p.tier !== 1);
	const urgentCount = line.length - regular.length;
	return regular[Math.max(0, index - urgentCount)]?.tokenId ?? null;
}
