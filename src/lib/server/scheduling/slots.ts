import { CalendarDate, CalendarDateTime, fromDate, parseDate, toZoned, type ZonedDateTime } from '@internationalized/date';
import type { TimeRange } from '../db/schema/scheduling';

/** One working period of a day in clinic-local wall time, e.g. 09:00–13:00 in 15-minute slots. */
export type Shift = { start: string; end: string; slotMinutes: number; breaks: TimeRange[] };
export type Slot = { start: Date; end: Date };

export type DayRules = {
	/** Template shifts of that weekday. */
	weekly: Shift[];
	/** A one-off change for that date: off, or other hours. */
	exception?: { off: boolean; start?: string | null; end?: string | null; slotMinutes?: number | null } | null;
	/** A clinic holiday or blackout. */
	closed?: boolean;
};

const minutes = (hhmm: string) => {
	const [h, m] = hhmm.split(':').map(Number);
	return h * 60 + m;
};

/** The shifts that apply on one date after exceptions and closures. */
export function shiftsForDay(rules: DayRules): Shift[] {
	if (rules.closed) return [];
	const exception = rules.exception;
	if (exception?.off) return [];
	if (exception?.start && exception.end) {
		const slotMinutes = exception.slotMinutes ?? rules.weekly[0]?.slotMinutes ?? 15;
		return [{ start: exception.start, end: exception.end, slotMinutes, breaks: [] }];
	}
	return rules.weekly;
}

/**
 * The slots of a date in the clinic's time zone. Wall-clock times that do not exist (the hour
 * skipped when clocks go forward) yield no slot; each slot lasts its length in real time, so a
 * slot across a change is still slotMinutes long.
 *
 * With `length` (an appointment type's minutes), slots still start on the doctor's grid (every
 * slotMinutes from the shift's start) but last `length`: a 45-minute procedure in a 15-minute
 * schedule may start at 09:00, 09:15, 09:30 …, and must end by the shift's end and clear its breaks.
 */
export function daySlots(day: string, timeZone: string, shifts: Shift[], length?: number): Slot[] {
	const date = parseDate(day);
	const slots: Slot[] = [];
	for (const shift of shifts) {
		const lasts = length ?? shift.slotMinutes;
		for (let t = minutes(shift.start); t + lasts <= minutes(shift.end); t += shift.slotMinutes) {
			if (inBreak(shift, t, lasts)) continue;
			const start = wallClock(date, t, timeZone);
			if (!start) continue;
			const startDate = start.toDate();
			slots.push({ start: startDate, end: new Date(startDate.getTime() + lasts * 60_000) });
		}
	}
	return slots.sort((a, b) => a.start.getTime() - b.start.getTime());
}

const inBreak = (shift: Shift, t: number, lasts: number) => shift.breaks.some((b) => t < minutes(b.end) && t + lasts > minutes(b.start));

/**
 * The slot of the date that starts at the instant `start`, or null: the slot `daySlots` would
 * list with that start (the first shift's, when shifts overlap), of `length` minutes when given.
 * A booking asks for one slot, so this converts the one wall-clock time instead of every slot of the day.
 */
export function slotStartingAt(day: string, timeZone: string, shifts: Shift[], start: Date, length?: number): Slot | null {
	const date = parseDate(day);
	const local = fromDate(start, timeZone);
	if (local.year !== date.year || local.month !== date.month || local.day !== date.day) return null;
	const t = local.hour * 60 + local.minute;
	for (const shift of shifts) {
		const first = minutes(shift.start);
		const lasts = length ?? shift.slotMinutes;
		if (t < first || t + lasts > minutes(shift.end) || (t - first) % shift.slotMinutes !== 0) continue;
		if (inBreak(shift, t, lasts)) continue;
		// The slot starts at the earlier of a repeated wall-clock time, and exactly on the minute.
		const slotStart = wallClock(date, t, timeZone)?.toDate();
		if (slotStart?.getTime() !== start.getTime()) continue;
		return { start: slotStart, end: new Date(slotStart.getTime() + lasts * 60_000) };
	}
	return null;
}

/**
 * Whether an appointment lies inside the day's working hours: within one shift, clear of its
 * breaks. Unlike `slotStartingAt` it does not ask for the doctor's grid, so an appointment booked
 * before the slot length changed still counts as inside while the hours still hold it.
 */
export function withinHours(day: string, timeZone: string, shifts: Shift[], appointment: Slot): boolean {
	const date = parseDate(day);
	const local = fromDate(appointment.start, timeZone);
	if (local.year !== date.year || local.month !== date.month || local.day !== date.day) return false;
	const t = local.hour * 60 + local.minute;
	const lasts = Math.ceil((appointment.end.getTime() - appointment.start.getTime()) / 60_000);
	return shifts.some((shift) => t >= minutes(shift.start) && t + lasts <= minutes(shift.end) && !inBreak(shift, t, lasts));
}

function wallClock(date: CalendarDate, minuteOfDay: number, timeZone: string): ZonedDateTime | null {
	const local = new CalendarDateTime(date.year, date.month, date.day, Math.floor(minuteOfDay / 60), minuteOfDay % 60);
	const zoned = toZoned(local, timeZone, 'earlier');
	// A time inside the skipped hour comes back moved: it does not exist on that day.
	if (zoned.hour !== local.hour || zoned.minute !== local.minute) return null;
	return zoned;
}

export function overlaps(a: { start: Date; end: Date }, b: { start: Date; end: Date }): boolean {
	return a.start < b.end && b.start < a.end;
}
