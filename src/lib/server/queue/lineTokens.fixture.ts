import type { LineToken } from './order';

/** Test fixtures for the order rule and its prediction: a time on the test day, and a waiting token. */
export const at = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00Z`);

let n = 0;
/** A walk-in of doctor `d1` checked in at 09:00, numbered in creation order; `over` changes any of it. */
export function token(over: Partial<LineToken> & { id: string }): LineToken {
	n += 1;
	return {
		number: n,
		doctorId: 'd1',
		checkedInAt: at('09:00'),
		appointmentStart: null,
		late: false,
		urgentAt: null,
		returnedAt: null,
		movedBeforeId: null,
		movedAt: null,
		...over
	};
}
