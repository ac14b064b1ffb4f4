import { m } from '$lib/paraglide/messages.js';
import {
	APPOINTMENT_STATUSES,
	calendarContract,
	type AppointmentStatus,
	type CalendarAppointment,
	type CalendarDoctor,
	type CalendarHours
} from '$lib/sync/contracts/calendar';
import { readContent, type ContentReading } from '$lib/sync/contracts/reading';

/**
 * The browser's reading of the `clinic/{id}/day/{date}/calendar` projection (built by
 * `projectClinicCalendar`), checked against its contract ($lib/sync/contracts/calendar.ts): live
 * content arrives as plain JSON from a Yjs map, and a shape this build does not know is shown as
 * "update the app", never guessed into a wrong calendar.
 */
export type { AppointmentStatus, CalendarAppointment, CalendarAppointmentType, CalendarDoctor, CalendarHours } from '$lib/sync/contracts/calendar';
/** An appointment type the desk may pick when booking: its length replaces the doctor's slot length. */
export type BookableType = { id: string; name: string; minutes: number; color: string };
export type CalendarDay = { day: string; doctors: CalendarDoctor[]; appointments: CalendarAppointment[]; hours: CalendarHours[] };

export const STATUSES = APPOINTMENT_STATUSES;
/** Statuses that no longer hold the slot: drawn faded and never draggable. */
export const CLOSED_STATUSES: ReadonlySet<AppointmentStatus> = new Set(['cancelled', 'declined', 'no_show', 'completed']);

/** One clinic-day's calendar: `empty` before the first sync, `mismatch` when the server speaks a shape this build does not know. */
export function readCalendar(content: Record<string, unknown>): ContentReading<CalendarDay> {
	return readContent(calendarContract, content);
}

/**
 * The days a screen draws (a day not synced yet is drawn empty), and whether any day's content
 * could not be read: the screen then asks to update the app instead of drawing a wrong calendar.
 */
export function readCalendarDays(days: { day: string; content: Record<string, unknown> }[]): { days: CalendarDay[]; outdated: boolean } {
	const readings = days.map((d) => readCalendar(d.content));
	return {
		days: readings.map((r, i) => (r.state === 'ok' ? r.value : { day: days[i].day, doctors: [], appointments: [], hours: [] })),
		outdated: readings.some((r) => r.state === 'mismatch')
	};
}

/**
 * The calendar hands back Dates whose local fields are the grid's wall clock (it works in
 * "floating" time), so the browser's own zone never leaks into a booking.
 */
export function wallOfGridDate(date: Date): string {
	const p = (n: number) => String(n).padStart(2, '0');
	return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}:00`;
}

export function statusLabel(status: string): string {
	const labels: Record<string, () => string> = {
		requested: m.calendar_status_requested,
		confirmed: m.calendar_status_confirmed,
		checked_in: m.calendar_status_checked_in,
		completed: m.calendar_status_completed,
		cancelled: m.calendar_status_cancelled,
		no_show: m.calendar_status_no_show,
		declined: m.calendar_status_declined
	};
	return (labels[status] ?? (() => status))();
}

/** One colour pair per status; the legend shows the same ones, and text never relies on colour alone. */
export const statusColours: Record<AppointmentStatus, { background: string; text: string }> = {
	requested: { background: '#fef0c7', text: '#7a2e0e' },
	confirmed: { background: '#0f766e', text: '#ffffff' },
	checked_in: { background: '#1d4ed8', text: '#ffffff' },
	completed: { background: '#e4e7ec', text: '#344054' },
	cancelled: { background: '#fee4e2', text: '#912018' },
	no_show: { background: '#f4ebff', text: '#53389e' },
	declined: { background: '#fee4e2', text: '#912018' }
};

/** WCAG 2 relative luminance of a colour `#rrggbb`. */
function luminance(hex: string): number {
	const channel = (i: number) => {
		const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
		return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	};
	return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** WCAG 2 contrast ratio of two colours `#rrggbb` (1 to 21). */
export function contrastRatio(a: string, b: string): number {
	const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
	return (light + 0.05) / (dark + 0.05);
}

/**
 * Black or white text, whichever reads better on an appointment type's colour. One of the two
 * always reaches 4.5:1 (WCAG AA for normal text), whatever colour the clinic picked.
 */
export function textOn(background: string): '#000000' | '#ffffff' {
	return contrastRatio(background, '#000000') >= contrastRatio(background, '#ffffff') ? '#000000' : '#ffffff';
}

/**
 * The doctors' colours in the week view of all doctors: a fixed palette handed out in the order
 * the clinic lists its doctors (by name), so a doctor keeps a colour from week to week without a
 * stored setting; past the palette's end it starts again. Mid-tone hues far apart from each other,
 * each written on in black or white by `textOn` (at least 4.5:1, `calendarData.test.ts` checks).
 */
export const DOCTOR_PALETTE = ['#1d4ed8', '#c2410c', '#047857', '#7e22ce', '#be185d', '#0e7490', '#a16207', '#4d7c0f'] as const;

export function doctorColours(doctors: { id: string }[]): Map<string, { background: string; text: string }> {
	return new Map(
		doctors.map((d, i) => {
			const background = DOCTOR_PALETTE[i % DOCTOR_PALETTE.length];
			return [d.id, { background, text: textOn(background) }];
		})
	);
}

/** Time of day in the clinic's zone for a person to read, in the page's language. */
export function timeText(iso: string, timeZone: string, locale: string): string {
	return new Intl.DateTimeFormat(locale, { timeZone, hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
}

/** Text in its own direction inside a line of the other (a Latin name in Urdu), so neither is reordered. */
export const isolated = (text: string) => `\u2068${text}\u2069`;

/**
 * "09:00 – 09:15" for a person to read. Each time is its own isolate, so in Urdu the range reads
 * right to left from its start instead of "AM" and the numbers swapping places.
 */
export function timeRangeText(startIso: string, endIso: string, timeZone: string, locale: string): string {
	return `\u2068${timeText(startIso, timeZone, locale)}\u2069 – \u2068${timeText(endIso, timeZone, locale)}\u2069`;
}

export function dateText(day: string, locale: string, style: 'long' | 'short' = 'long'): string {
	const options: Intl.DateTimeFormatOptions =
		style === 'long'
			? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }
			: { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' };
	return new Intl.DateTimeFormat(locale, options).format(new Date(`${day}T12:00:00Z`));
}

/** The grid's first and last hour (clinic wall clock); ClinicCalendar shows this window. */
export const GRID_FROM = '07:00';
export const GRID_TO = '22:00';

/**
 * The parts of a day's grid (GRID_FROM–GRID_TO, wall clock) outside the given working stretches,
 * as wall-clock pairs: what the calendar shades as "not working". No stretches shades the whole day.
 */
export function offSpans(day: string, working: { start: string; end: string }[], from = GRID_FROM, to = GRID_TO): { start: string; end: string }[] {
	const open = `${day}T${from}:00`;
	const close = `${day}T${to}:00`;
	const sorted = working
		.map((w) => ({ start: w.start < open ? open : w.start, end: w.end > close ? close : w.end }))
		.filter((w) => w.start < w.end)
		.sort((a, b) => a.start.localeCompare(b.start));
	const off: { start: string; end: string }[] = [];
	let at = open;
	for (const w of sorted) {
		if (w.start > at) off.push({ start: at, end: w.start });
		if (w.end > at) at = w.end;
	}
	if (at < close) off.push({ start: at, end: close });
	return off;
}
