import { parseDate } from '@internationalized/date';

/** Days before and after the clinic's today (YYYY-MM-DD, in its time zone). */
export type DayWindow = { back: number; ahead: number };

/**
 * Whether `day` lies in the window around `today`, both ends included: the days for which a
 * collaborative per-day document (the desk's notes) may be created. Both are clinic-local
 * calendar days, so the comparison is in whole days whatever the time zone.
 */
export function isWithinDayWindow(day: string, today: string, window: DayWindow): boolean {
	const offset = parseDate(day).compare(parseDate(today));
	return offset >= -window.back && offset <= window.ahead;
}
