import { describe, expect, it } from 'vitest';
import { isWithinDayWindow } from './dayWindow';

const window = { back: 7, ahead: 60 };

describe('the day window of collaborative per-day documents', () => {
	it.each([
		['today', '2026-12-06', '2026-12-06', true],
		['the last day back', '2026-11-29', '2026-12-06', true],
		['one day before the window', '2026-11-28', '2026-12-06', false],
		['the last day ahead, across a year end', '2027-02-04', '2026-12-06', true],
		['one day after the window', '2027-02-05', '2026-12-06', false],
		['a day years ahead', '2038-01-19', '2026-12-06', false],
		['a day years back', '2020-01-01', '2026-12-06', false],
		['a leap day ahead', '2028-02-29', '2028-02-28', true],
		['back across a leap day', '2028-02-23', '2028-03-01', true],
		['one day too far back across a leap day', '2028-02-22', '2028-03-01', false]
	])('%s: %s around %s is %s', (_case, day, today, open) => {
		expect(isWithinDayWindow(day, today, window)).toBe(open);
	});

	it('allows only today with an empty window', () => {
		const none = { back: 0, ahead: 0 };
		expect(isWithinDayWindow('2026-12-06', '2026-12-06', none)).toBe(true);
		expect(isWithinDayWindow('2026-12-05', '2026-12-06', none)).toBe(false);
		expect(isWithinDayWindow('2026-12-07', '2026-12-06', none)).toBe(false);
	});
});
