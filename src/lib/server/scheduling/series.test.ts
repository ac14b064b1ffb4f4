import { describe, expect, it } from 'vitest';
import { isoWithOffset } from '../../time';
import { seriesOccurrences } from './series';

const local = (timeZone: string) => (o: { date: string; start: Date }) => `${o.date} ${isoWithOffset(o.start, timeZone)}`;

describe('the dates of a recurring booking', () => {
	it.each([
		// [first start, zone, every n days, count, the dates and their instants with the clinic's offset]
		['2026-11-23T10:00:00+05:00', 'Asia/Karachi', 7, 3, ['2026-11-23T10:00:00+05:00', '2026-11-30T10:00:00+05:00', '2026-12-07T10:00:00+05:00']],
		['2026-12-30T16:30:00+05:00', 'Asia/Karachi', 2, 3, ['2026-12-30T16:30:00+05:00', '2027-01-01T16:30:00+05:00', '2027-01-03T16:30:00+05:00']],
		// The clocks go back in London on 2026-10-25: a weekly 09:00 stays 09:00 on the clinic's clock.
		['2026-10-19T09:00:00+01:00', 'Europe/London', 7, 2, ['2026-10-19T09:00:00+01:00', '2026-10-26T09:00:00+00:00']],
		// Late in the evening in UTC is already the next day in Auckland: the clinic's date counts.
		['2026-04-01T11:30:00Z', 'Pacific/Auckland', 1, 2, ['2026-04-02T00:30:00+13:00', '2026-04-03T00:30:00+13:00']]
	])('from %s in %s every %i days, %i times', (first, timeZone, everyDays, count, expected) => {
		const occurrences = seriesOccurrences(new Date(first), timeZone, everyDays, count);
		expect(occurrences.map(local(timeZone))).toEqual(expected.map((e) => `${e.slice(0, 10)} ${e}`));
	});

	it('starts with the first appointment exactly as asked', () => {
		const first = new Date('2026-11-23T05:00:00Z');
		expect(seriesOccurrences(first, 'Asia/Karachi', 14, 26)[0].start).toBe(first);
		expect(seriesOccurrences(first, 'Asia/Karachi', 14, 26)).toHaveLength(26);
	});

	it('moves a time the clocks skip forward on that day', () => {
		// London skips 01:00–02:00 on 2026-03-29.
		const [, skipped] = seriesOccurrences(new Date('2026-03-22T01:30:00Z'), 'Europe/London', 7, 2);
		expect(skipped.date).toBe('2026-03-29');
		expect(isoWithOffset(skipped.start, 'Europe/London').slice(11, 16)).not.toBe('01:30');
	});
});
