import { describe, expect, it } from 'vitest';
import { isoWithOffset } from '../../time';
import { daySlots, shiftsForDay } from './slots';

const fullDay = { start: '09:00', end: '17:00', slotMinutes: 30, breaks: [{ start: '13:00', end: '14:00' }] };

describe('slots', () => {
	it('cuts working hours into slots and leaves the break out', () => {
		const slots = daySlots('2026-11-23', 'Asia/Karachi', [fullDay]);
		expect(slots).toHaveLength(14);
		expect(isoWithOffset(slots[0].start, 'Asia/Karachi')).toBe('2026-11-23T09:00:00+05:00');
		expect(slots.map((s) => isoWithOffset(s.start, 'Asia/Karachi').slice(11, 16))).not.toContain('13:00');
		expect(isoWithOffset(slots.at(-1)!.end, 'Asia/Karachi')).toBe('2026-11-23T17:00:00+05:00');
	});

	it('uses the clinic offset, including odd ones like Kathmandu', () => {
		const [first] = daySlots('2026-11-23', 'Asia/Kathmandu', [{ start: '10:00', end: '11:00', slotMinutes: 15, breaks: [] }]);
		expect(first.start.toISOString()).toBe('2026-11-23T04:15:00.000Z');
		expect(isoWithOffset(first.start, 'Asia/Kathmandu')).toBe('2026-11-23T10:00:00+05:45');
	});

	it('skips the wall-clock hour that does not exist when clocks go forward', () => {
		// Europe/London springs forward at 01:00 → 02:00 on 2026-03-29.
		const slots = daySlots('2026-03-29', 'Europe/London', [{ start: '00:00', end: '03:00', slotMinutes: 30, breaks: [] }]);
		const labels = slots.map((s) => isoWithOffset(s.start, 'Europe/London').slice(11, 22));
		expect(labels).toEqual(['00:00:00+00', '00:30:00+00', '02:00:00+01', '02:30:00+01']);
		for (const s of slots) expect(s.end.getTime() - s.start.getTime()).toBe(30 * 60_000);
	});

	it('keeps slots a real half hour long on the day clocks go back', () => {
		const slots = daySlots('2026-10-25', 'Europe/London', [{ start: '09:00', end: '10:00', slotMinutes: 30, breaks: [] }]);
		expect(slots.map((s) => s.start.toISOString())).toEqual(['2026-10-25T09:00:00.000Z', '2026-10-25T09:30:00.000Z']);
	});

	it('applies leave, one-off hours and clinic closures', () => {
		expect(shiftsForDay({ weekly: [fullDay], exception: { off: true } })).toEqual([]);
		expect(shiftsForDay({ weekly: [fullDay], closed: true })).toEqual([]);
		const changed = shiftsForDay({ weekly: [fullDay], exception: { off: false, start: '16:00', end: '18:00' } });
		expect(daySlots('2026-11-23', 'Asia/Karachi', changed)).toHaveLength(4);
	});

	it('starts at 01:00 on a day whose midnight the clocks skip', () => {
		// America/Santiago goes from 00:00 straight to 01:00 on 2026-09-06.
		const slots = daySlots('2026-09-06', 'America/Santiago', [{ start: '00:00', end: '02:00', slotMinutes: 30, breaks: [] }]);
		expect(slots.map((s) => isoWithOffset(s.start, 'America/Santiago'))).toEqual(['2026-09-06T01:00:00-03:00', '2026-09-06T01:30:00-03:00']);
	});
});
