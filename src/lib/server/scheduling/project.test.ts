import { expect, it } from 'vitest';
import { dayBounds } from './project';
it('finds the UTC bounds of a clinic-local day, across DST and odd offsets', () => {
	expect(dayBounds('2026-11-23', 'Asia/Karachi')).toEqual({ from: new Date('2026-11-22T19:00:00Z'), to: new Date('2026-11-23T19:00:00Z') });
	expect(dayBounds('2026-03-29', 'Europe/London')).toEqual({ from: new Date('2026-03-29T00:00:00Z'), to: new Date('2026-03-29T23:00:00Z') });
	expect(dayBounds('2026-11-23', 'Asia/Kathmandu').from).toEqual(new Date('2026-11-22T18:15:00Z'));
	expect(dayBounds('2026-11-23', 'America/New_York').from).toEqual(new Date('2026-11-23T05:00:00Z'));
});
