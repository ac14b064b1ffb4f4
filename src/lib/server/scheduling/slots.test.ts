import { describe, expect, it } from 'vitest';
import { isoWithOffset } from '../../time';
import { daySlots, shiftsForDay, slotStartingAt, withinHours, type Shift } from './slots';

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

	describe('slots of an appointment type’s length', () => {
		const morning: Shift = { start: '09:00', end: '12:00', slotMinutes: 15, breaks: [{ start: '10:30', end: '11:00' }] };
		const wall = (slots: { start: Date; end: Date }[]) =>
			slots.map((s) => `${isoWithOffset(s.start, 'Asia/Karachi').slice(11, 16)}–${isoWithOffset(s.end, 'Asia/Karachi').slice(11, 16)}`);
		it.each([
			// [length, the slots offered]: starts stay on the doctor's 15-minute grid, each lasts the type's length.
			[45, ['09:00–09:45', '09:15–10:00', '09:30–10:15', '09:45–10:30', '11:00–11:45', '11:15–12:00']],
			[60, ['09:00–10:00', '09:15–10:15', '09:30–10:30', '11:00–12:00']],
			[90, ['09:00–10:30']],
			[
				5,
				['09:00–09:05', '09:15–09:20', '09:30–09:35', '09:45–09:50', '10:00–10:05', '10:15–10:20', '11:00–11:05', '11:15–11:20', '11:30–11:35', '11:45–11:50']
			],
			[120, []]
		])('a %i-minute type in a 15-minute morning with a break at 10:30', (length, expected) => {
			expect(wall(daySlots('2026-11-23', 'Asia/Karachi', [morning], length))).toEqual(expected);
		});

		it('keeps its length in real time across a change of the clocks', () => {
			const [slot] = daySlots('2026-10-25', 'Europe/London', [{ start: '01:00', end: '03:00', slotMinutes: 30, breaks: [] }], 60);
			expect(slot.end.getTime() - slot.start.getTime()).toBe(60 * 60_000);
		});
	});

	describe('the slot starting at an instant is the one daySlots lists', () => {
		const days: [string, string, Shift[]][] = [
			['2026-11-23', 'Asia/Karachi', [fullDay]],
			['2026-11-23', 'Asia/Kathmandu', [{ start: '10:00', end: '11:00', slotMinutes: 15, breaks: [] }]],
			['2026-03-29', 'Europe/London', [{ start: '00:00', end: '03:00', slotMinutes: 30, breaks: [] }]],
			['2026-10-25', 'Europe/London', [{ start: '00:00', end: '03:00', slotMinutes: 30, breaks: [] }]],
			['2026-09-06', 'America/Santiago', [{ start: '00:00', end: '02:00', slotMinutes: 30, breaks: [] }]],
			// Overlapping shifts with different lengths: the first shift's slot wins, as in daySlots.
			[
				'2026-11-24',
				'Asia/Karachi',
				[
					{ start: '09:00', end: '12:00', slotMinutes: 20, breaks: [] },
					{ start: '10:00', end: '13:00', slotMinutes: 30, breaks: [{ start: '11:00', end: '11:30' }] }
				]
			]
		];
		it.each(days)('on %s in %s', (day, timeZone, shifts) => {
			const listed = daySlots(day, timeZone, shifts);
			const { from, to } = { from: Date.parse(`${day}T00:00:00Z`) - 86_400_000, to: Date.parse(`${day}T00:00:00Z`) + 2 * 86_400_000 };
			let found = 0;
			for (let at = from; at < to; at += 5 * 60_000) {
				const expected = listed.find((s) => s.start.getTime() === at) ?? null;
				expect(slotStartingAt(day, timeZone, shifts, new Date(at))).toEqual(expected);
				if (expected) found++;
			}
			expect(found).toBe(new Set(listed.map((s) => s.start.getTime())).size);
		});

		it.each(days)('with a 45-minute appointment type, on %s in %s', (day, timeZone, shifts) => {
			const listed = daySlots(day, timeZone, shifts, 45);
			for (let at = Date.parse(`${day}T00:00:00Z`) - 86_400_000; at < Date.parse(`${day}T00:00:00Z`) + 2 * 86_400_000; at += 5 * 60_000) {
				expect(slotStartingAt(day, timeZone, shifts, new Date(at), 45)).toEqual(listed.find((s) => s.start.getTime() === at) ?? null);
			}
		});

		it('is no slot a second past a slot start', () => {
			const [first] = daySlots('2026-11-23', 'Asia/Karachi', [fullDay]);
			expect(slotStartingAt('2026-11-23', 'Asia/Karachi', [fullDay], new Date(first.start.getTime() + 1000))).toBeNull();
		});
	});

	describe('whether an appointment lies inside the day’s hours', () => {
		const k = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00+05:00`);
		const shorter = shiftsForDay({ weekly: [fullDay], exception: { off: false, start: '09:00', end: '12:00' } });
		it.each([
			['inside the shortened hours', '10:00', '10:30', shorter, true],
			['ending exactly at the new end', '11:30', '12:00', shorter, true],
			['running past the new end', '11:45', '12:15', shorter, false],
			['after the new end', '14:00', '14:30', shorter, false],
			['before the start', '08:30', '09:00', shorter, false],
			['in the weekly break', '13:00', '13:30', [fullDay], false],
			['off the grid but inside the hours (a type’s length, an old slot length)', '09:10', '09:55', [fullDay], true],
			['on a day off', '10:00', '10:30', shiftsForDay({ weekly: [fullDay], exception: { off: true } }), false]
		])('%s', (_name, start, end, shifts, inside) => {
			expect(withinHours('2026-11-23', 'Asia/Karachi', shifts, { start: k(start), end: k(end) })).toBe(inside);
		});
		it('is false for an appointment of another day', () => {
			expect(withinHours('2026-11-24', 'Asia/Karachi', [fullDay], { start: k('10:00'), end: k('10:30') })).toBe(false);
		});
	});
});
