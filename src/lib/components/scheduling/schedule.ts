import { m } from '$lib/paraglide/messages.js';

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
 * The first problem with a schedule, in words, before it is sent (the server checks the same
 * rules and refuses anyway); null when it looks right.
 */
export function scheduleProblem(weekly: WeeklyShift[], exceptions: DayException[]): { message: string; index: number; list: 'weekly' | 'exceptions' } | null {
	for (const [index, s] of weekly.entries()) {
		if (!s.start || !s.end || s.start >= s.end) return { message: m.availability_error_order(), index, list: 'weekly' };
		if (s.breaks.some((b) => !b.start || !b.end || b.start >= b.end || b.start < s.start || b.end > s.end)) {
			return { message: m.availability_error_break(), index, list: 'weekly' };
		}
		const clash = weekly.findIndex((o, j) => j !== index && o.weekday === s.weekday && o.start < s.end && s.start < o.end);
		if (clash >= 0) return { message: m.availability_error_overlap(), index, list: 'weekly' };
	}
	const seen = new Set<string>();
	for (const [index, e] of exceptions.entries()) {
		if (!e.date) return { message: m.availability_error_date(), index, list: 'exceptions' };
		if (seen.has(e.date)) return { message: m.availability_error_duplicate_date(), index, list: 'exceptions' };
		seen.add(e.date);
		if (!e.off && (!e.start || !e.end || e.start >= e.end)) return { message: m.availability_error_order(), index, list: 'exceptions' };
	}
	return null;
}

/** What is sent: off days carry no hours. */
export function scheduleBody(weekly: WeeklyShift[], exceptions: DayException[]) {
	return {
		weekly: weekly.map((s) => ({ weekday: s.weekday, start: s.start, end: s.end, slotMinutes: s.slotMinutes, breaks: s.breaks })),
		exceptions: exceptions.map((e) => (e.off ? { date: e.date, off: true, reason: e.reason } : { date: e.date, off: false, start: e.start, end: e.end, slotMinutes: e.slotMinutes, reason: e.reason }))
	};
}
