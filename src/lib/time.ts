import { fromDate, getDayOfWeek, parseDate, parseDateTime, startOfWeek, toCalendarDate, toCalendarDateTime, toZoned } from '@internationalized/date';

/**
 * The clinic's clock: every clinic day (YYYY-MM-DD), day bound, week start and day step, on the
 * server and in the browser. A clinic day belongs to the clinic's time zone, never to the
 * machine's; the zone database (through @internationalized/date) decides offsets, so days that
 * are 23 or 25 hours long, or that do not start at midnight, come out right. No Node imports.
 */

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day written YYYY-MM-DD (2025-02-29 is not one). */
export function isCalendarDay(day: string): boolean {
	if (!isoDay.test(day)) return false;
	try {
		return parseDate(day).toString() === day;
	} catch {
		return false;
	}
}

function instantOfInput(at: Date | string): Date {
	const date = typeof at === 'string' ? new Date(at) : at;
	if (Number.isNaN(date.getTime())) throw new RangeError(`not an instant: ${String(at)}`);
	return date;
}

/** The clinic's own date of an instant: late in the evening in UTC is often already tomorrow in the clinic. */
export function clinicDay(at: Date | string, timeZone: string): string {
	return toCalendarDate(fromDate(instantOfInput(at), timeZone)).toString();
}

/** The clinic's date now (or at an instant). */
export function clinicToday(timeZone: string, at: Date = new Date()): string {
	return clinicDay(at, timeZone);
}

/**
 * The instants that bound a clinic day: from its first moment (local midnight, or the first
 * minute after it when the clocks skip midnight) to the next day's first moment, end exclusive.
 */
export function dayBounds(day: string, timeZone: string): { from: Date; to: Date } {
	const date = parseDate(day);
	return { from: toZoned(date, timeZone).toDate(), to: toZoned(date.add({ days: 1 }), timeZone).toDate() };
}

/** The calendar day `days` after (or before, when negative) a day. */
export function addDays(day: string, days: number): string {
	return parseDate(day).add({ days }).toString();
}

/** Monday of the ISO week holding the day. */
export function weekStart(day: string): string {
	return startOfWeek(parseDate(day), 'en-GB', 'mon').toString();
}

/** ISO weekday of a date: Monday = 1 … Sunday = 7 (how availability templates store it). */
export function isoWeekday(day: string): number {
	return getDayOfWeek(parseDate(day), 'en-GB', 'mon') + 1;
}

/** "2026-11-24T09:00:00": the clinic's wall clock at an instant (what the calendar grid shows). */
export function wallClock(iso: string, timeZone: string): string {
	// Not parseAbsolute: @internationalized/date 3.12 reads "-09:30" as -08:30 (a negative offset's
	// minutes get the wrong sign), an hour out in Marquesas and Newfoundland.
	return toCalendarDateTime(fromDate(instantOfInput(iso), timeZone))
		.toString()
		.slice(0, 19);
}

/** The instant of a clinic wall-clock time, as ISO with Z (a skipped time moves forward, a repeated one takes the earlier). */
export function instantOf(wall: string, timeZone: string): string {
	return toZoned(parseDateTime(wall.slice(0, 19)), timeZone, 'earlier').toAbsoluteString();
}

/** ±HH:MM for a number of minutes east of UTC. */
function offsetText(minutes: number): string {
	const sign = minutes < 0 ? '-' : '+';
	const abs = Math.abs(minutes);
	return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The zone's offset at noon of a day as ±HH:MM, for the calendar's now-indicator. */
export function offsetOn(day: string, timeZone: string): string {
	return offsetText(Math.round(toZoned(parseDateTime(`${day}T12:00:00`), timeZone).offset / 60_000));
}

/** ISO 8601 to the second with the clinic's offset, e.g. 2026-03-29T09:00:00+02:00. */
export function isoWithOffset(instant: Date, timeZone: string): string {
	const zoned = fromDate(instantOfInput(instant), timeZone);
	return `${toCalendarDateTime(zoned).toString().slice(0, 19)}${offsetText(Math.round(zoned.offset / 60_000))}`;
}
