import { m } from '$lib/paraglide/messages.js';
import type { FieldMessage, FormError } from '$lib/server/edge/types';

/** The editor's working copy of a doctor's schedule, in the shape `setAvailability` accepts. */
export type Range = { start: string; end: string };
export type WeeklyShift = { weekday: number; start: string; end: string; slotMinutes: number; breaks: Range[] };
export type DayException = { date: string; off: boolean; start?: string; end?: string; slotMinutes?: number; reason: string };

export const SLOT_LENGTHS = [10, 15, 20, 30] as const;
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export type PresetName = 'full' | 'morning' | 'evening';
export const PRESETS: Record<PresetName, Omit<WeeklyShift, 'weekday'>> = {
	full: { start: '09:00', end: '17:00', slotMinutes: 15, breaks: [{ start: '13:00', end: '14:00' }] },
	morning: { start: '08:00', end: '13:00', slotMinutes: 15, breaks: [] },
	evening: { start: '16:00', end: '21:00', slotMinutes: 15, breaks: [] }
};

export function presetLabel(name: PresetName): string {
	return { full: m.availability_preset_full, morning: m.availability_preset_morning, evening: m.availability_preset_evening }[name]();
}

/** Weekday names in the page's language (ISO: 1 = Monday), from a known Monday. */
export function weekdayName(weekday: number, locale: string): string {
	return new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, weekday)));
}

/**
 * Every problem with a schedule before it is sent, as a refusal in the shape the server sends
 * (`fields` named `weekly.2.end`, `exceptions.0.date`, in the same words), so the page shows the
 * server's and its own the same way; null when it looks right. The server checks the same rules.
 */
export function scheduleProblems(weekly: WeeklyShift[], exceptions: DayException[]): FormError | null {
	const fields: FieldMessage[] = [];
	const add = (field: string, code: string, message: string) => fields.push({ field, code, message });
	for (const [i, s] of weekly.entries()) {
		if (!s.start || !s.end || s.start >= s.end) add(`weekly.${i}.end`, 'time_order', m.availability_error_order());
		else if (s.breaks.some((b) => !b.start || !b.end || b.start >= b.end || b.start < s.start || b.end > s.end))
			add(`weekly.${i}.breaks`, 'break_outside_hours', m.availability_error_break());
		else if (startsInsideAnother(weekly, i)) add(`weekly.${i}.start`, 'shifts_overlap', m.availability_error_overlap());
	}
	for (const [i, e] of exceptions.entries()) {
		if (!e.date) add(`exceptions.${i}.date`, 'field_required', m.availability_error_date());
		else if (exceptions.findIndex((other) => other.date === e.date) < i)
			add(`exceptions.${i}.date`, 'exception_date_taken', m.availability_error_duplicate_date());
		else if (!e.off && (!e.start || !e.end)) add(`exceptions.${i}.start`, 'hours_or_day_off', m.error_hours_or_day_off());
		else if (!e.off && e.start && e.end && e.start >= e.end) add(`exceptions.${i}.end`, 'time_order', m.availability_error_order());
	}
	if (fields.length === 0) return null;
	return { code: 'invalid_input', message: fields[0].message, field: fields[0].field, fields };
}

/** True when shift `i` starts while an earlier shift of its weekday is still running (the server's rule). */
function startsInsideAnother(weekly: WeeklyShift[], i: number): boolean {
	const s = weekly[i];
	return weekly.some((o, j) => j !== i && o.weekday === s.weekday && o.start <= s.start && s.start < o.end && (o.start < s.start || j < i));
}

/** What is sent: off days carry no hours. */
export function scheduleBody(weekly: WeeklyShift[], exceptions: DayException[]) {
	return {
		weekly: weekly.map((s) => ({ weekday: s.weekday, start: s.start, end: s.end, slotMinutes: s.slotMinutes, breaks: s.breaks })),
		exceptions: exceptions.map((e) =>
			e.off
				? { date: e.date, off: true, reason: e.reason }
				: { date: e.date, off: false, start: e.start, end: e.end, slotMinutes: e.slotMinutes, reason: e.reason }
		)
	};
}
