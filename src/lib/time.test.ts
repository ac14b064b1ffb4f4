import { describe, expect, it } from 'vitest';
import { addDays, clinicDay, clinicToday, dayBounds, instantOf, isCalendarDay, isoWeekday, isoWithOffset, offsetOn, wallClock, weekStart } from './time';

/** The zone's wall clock at an instant as Intl itself reads it, independent of the module under test. */
const intlWall = (at: Date, timeZone: string) =>
	new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
		.format(at)
		.replace(', ', 'T');

const HOUR = 3_600_000;

describe('dayBounds', () => {
	// [zone, day, first instant, first instant of the next day, hours in the day, local time the day starts]
	const days: [string, string, string, string, number, string][] = [
		['Asia/Karachi', '2026-11-23', '2026-11-22T19:00:00Z', '2026-11-23T19:00:00Z', 24, '00:00'],
		['Asia/Kathmandu', '2026-11-23', '2026-11-22T18:15:00Z', '2026-11-23T18:15:00Z', 24, '00:00'],
		['America/New_York', '2026-11-23', '2026-11-23T05:00:00Z', '2026-11-24T05:00:00Z', 24, '00:00'],
		['Europe/London', '2026-03-29', '2026-03-29T00:00:00Z', '2026-03-29T23:00:00Z', 23, '00:00'],
		['Europe/London', '2026-10-25', '2026-10-24T23:00:00Z', '2026-10-26T00:00:00Z', 25, '00:00'],
		// East of UTC the change happens before UTC midnight: the old guess read the offset after it.
		['Pacific/Auckland', '2026-04-05', '2026-04-04T11:00:00Z', '2026-04-05T12:00:00Z', 25, '00:00'],
		['Pacific/Auckland', '2026-09-27', '2026-09-26T12:00:00Z', '2026-09-27T11:00:00Z', 23, '00:00'],
		['Australia/Sydney', '2026-04-05', '2026-04-04T13:00:00Z', '2026-04-05T14:00:00Z', 25, '00:00'],
		['Australia/Sydney', '2026-10-04', '2026-10-03T14:00:00Z', '2026-10-04T13:00:00Z', 23, '00:00'],
		// Clocks go from 00:00 straight to 01:00: the day starts at 01:00.
		['America/Santiago', '2026-09-06', '2026-09-06T04:00:00Z', '2026-09-07T03:00:00Z', 23, '01:00'],
		['America/Santiago', '2026-09-05', '2026-09-05T04:00:00Z', '2026-09-06T04:00:00Z', 24, '00:00'],
		['Asia/Beirut', '2026-03-29', '2026-03-28T22:00:00Z', '2026-03-29T21:00:00Z', 23, '01:00'],
		// Clocks go from 00:00 back to 23:00: the day before is 25 hours long.
		['America/Santiago', '2026-04-04', '2026-04-04T03:00:00Z', '2026-04-05T04:00:00Z', 25, '00:00']
	];

	it.each(days)('bounds %s %s by its first and the next day’s first instant', (zone, day, from, to, hours, startsAt) => {
		const bounds = dayBounds(day, zone);
		expect(bounds).toEqual({ from: new Date(from), to: new Date(to) });
		expect((bounds.to.getTime() - bounds.from.getTime()) / HOUR).toBe(hours);
		// Intl agrees: the first instant is on the day at the expected time, the one before it is the day before.
		expect(intlWall(bounds.from, zone)).toBe(`${day}T${startsAt}`);
		expect(intlWall(new Date(bounds.from.getTime() - 1), zone).slice(0, 10)).toBe(addDays(day, -1));
		expect(intlWall(new Date(bounds.to.getTime() - 1), zone).slice(0, 10)).toBe(day);
		expect(intlWall(bounds.to, zone).slice(0, 10)).toBe(addDays(day, 1));
	});

	it('refuses a day that is not on the calendar and a zone that does not exist', () => {
		expect(() => dayBounds('2026-02-30', 'Asia/Karachi')).toThrow();
		expect(() => dayBounds('23/11/2026', 'Asia/Karachi')).toThrow();
		expect(() => dayBounds('2026-11-23', 'Asia/Nowhere')).toThrow();
	});
});

describe('clinic days', () => {
	it('reads the clinic’s date of an instant in its zone, not UTC’s', () => {
		expect(clinicDay('2026-11-23T19:30:00.000Z', 'Asia/Karachi')).toBe('2026-11-24');
		expect(clinicDay('2026-11-23T19:30:00.000Z', 'America/New_York')).toBe('2026-11-23');
		expect(clinicToday('Asia/Kathmandu', new Date('2026-11-22T18:14:59Z'))).toBe('2026-11-22');
		expect(clinicToday('Asia/Kathmandu', new Date('2026-11-22T18:15:00Z'))).toBe('2026-11-23');
		expect(clinicToday('Pacific/Auckland', new Date('2026-04-04T11:00:00Z'))).toBe('2026-04-05');
	});

	it('refuses an instant that is not one', () => {
		expect(() => clinicDay('tomorrow', 'Asia/Karachi')).toThrow(RangeError);
		expect(() => clinicToday('Asia/Karachi', new Date(Number.NaN))).toThrow(RangeError);
	});

	it('tells real calendar days from look-alikes', () => {
		expect(isCalendarDay('2024-02-29')).toBe(true);
		expect(isCalendarDay('2025-02-29')).toBe(false);
		expect(isCalendarDay('2025-13-01')).toBe(false);
		expect(isCalendarDay('2025-1-01')).toBe(false);
		expect(isCalendarDay('2025-01-01T00:00')).toBe(false);
	});
});

describe('addDays, weekStart and isoWeekday', () => {
	it.each([
		['2026-11-23', 1, '2026-11-24'],
		['2026-12-31', 1, '2027-01-01'],
		['2028-02-28', 1, '2028-02-29'],
		['2027-02-28', 1, '2027-03-01'],
		['2026-03-01', -1, '2026-02-28'],
		['2026-03-29', 7, '2026-04-05'],
		['2026-11-23', 0, '2026-11-23'],
		['2026-11-23', -365, '2025-11-23']
	])('%s plus %i days is %s', (day, days, expected) => {
		expect(addDays(day, days)).toBe(expected);
	});

	it('starts the week on the Monday, also for a Sunday and across a year', () => {
		expect(weekStart('2026-11-23')).toBe('2026-11-23');
		expect(weekStart('2026-11-29')).toBe('2026-11-23');
		expect(weekStart('2026-11-25')).toBe('2026-11-23');
		expect(weekStart('2027-01-01')).toBe('2026-12-28');
	});

	it('numbers weekdays Monday 1 to Sunday 7', () => {
		expect(isoWeekday('2026-11-23')).toBe(1);
		expect(isoWeekday('2026-11-28')).toBe(6);
		expect(isoWeekday('2026-11-29')).toBe(7);
	});

	it('refuses a day that is not on the calendar', () => {
		expect(() => addDays('2026-02-30', 1)).toThrow();
		expect(() => weekStart('next week')).toThrow();
	});
});

describe('wall clock', () => {
	it('turns instants into the clinic’s wall clock and back', () => {
		expect(wallClock('2026-11-23T04:15:00.000Z', 'Asia/Kathmandu')).toBe('2026-11-23T10:00:00');
		expect(instantOf('2026-11-23T10:00:00', 'Asia/Kathmandu')).toBe('2026-11-23T04:15:00.000Z');
		// The first hour after London's clocks went back happens twice: the earlier one is meant.
		expect(instantOf('2026-10-25T01:30', 'Europe/London')).toBe('2026-10-25T00:30:00.000Z');
	});

	it('writes instants with the clinic’s offset on the day', () => {
		expect(isoWithOffset(new Date('2026-11-23T04:00:00Z'), 'Asia/Karachi')).toBe('2026-11-23T09:00:00+05:00');
		expect(isoWithOffset(new Date('2026-11-23T04:15:00.250Z'), 'Asia/Kathmandu')).toBe('2026-11-23T10:00:00+05:45');
		expect(isoWithOffset(new Date('2026-03-29T07:00:00Z'), 'Europe/London')).toBe('2026-03-29T08:00:00+01:00');
		expect(isoWithOffset(new Date('2026-11-23T15:00:00Z'), 'America/New_York')).toBe('2026-11-23T10:00:00-05:00');
		expect(isoWithOffset(new Date('2026-11-23T15:00:00Z'), 'UTC')).toBe('2026-11-23T15:00:00+00:00');
		expect(offsetOn('2026-03-29', 'Europe/London')).toBe('+01:00');
		expect(offsetOn('2026-11-23', 'Asia/Kathmandu')).toBe('+05:45');
		expect(offsetOn('2026-11-23', 'America/St_Johns')).toBe('-03:30');
	});
});
describe('the clinic clock in half-hour zones', () => {
	const cases = [
		{ zone: 'Pacific/Marquesas', iso: '2026-12-07T10:00:00-09:30', wall: '2026-12-07T10:00:00', offset: '-09:30' },
		{ zone: 'America/St_Johns', iso: '2026-12-07T10:00:00-03:30', wall: '2026-12-07T10:00:00', offset: '-03:30' },
		{ zone: 'America/St_Johns', iso: '2026-07-07T10:00:00-02:30', wall: '2026-07-07T10:00:00', offset: '-02:30' },
		{ zone: 'Asia/Kathmandu', iso: '2026-12-07T10:00:00+05:45', wall: '2026-12-07T10:00:00', offset: '+05:45' },
		{ zone: 'Asia/Kolkata', iso: '2026-12-07T10:00:00+05:30', wall: '2026-12-07T10:00:00', offset: '+05:30' }
	];
	for (const { zone, iso, wall, offset } of cases) {
		it(`reads ${iso} as ${wall} on the wall of ${zone}`, () => {
			expect(wallClock(iso, zone)).toBe(wall);
			expect(wallClock(new Date(iso).toISOString(), zone)).toBe(wall);
		});
		it(`goes round from the wall to the instant and back in ${zone}`, () => {
			const instant = instantOf(wall, zone);
			expect(new Date(instant).getTime()).toBe(new Date(iso).getTime());
			expect(isoWithOffset(new Date(instant), zone)).toBe(iso);
			expect(offsetOn(wall.slice(0, 10), zone)).toBe(offset);
			expect(clinicDay(instant, zone)).toBe(wall.slice(0, 10));
		});
	}
});
