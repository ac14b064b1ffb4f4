import { describe, expect, it } from 'vitest';
import { clinicDay, dateText } from './calendarData';

describe('clinicDay', () => {
	it('names the clinic’s date, not the UTC date, for an evening instant', () => {
		// 19:30 UTC on 23 November is already 00:30 on 24 November in Lahore.
		expect(clinicDay('2026-11-23T19:30:00.000Z', 'Asia/Karachi')).toBe('2026-11-24');
		expect(clinicDay('2026-11-23T19:30:00.000Z', 'America/New_York')).toBe('2026-11-23');
	});

	it('reads the day the desk sees for a patient who joined the waiting list after midnight', () => {
		expect(dateText(clinicDay('2026-11-23T19:30:00Z', 'Asia/Karachi'), 'en-GB', 'short')).toBe('Tue 24 Nov');
	});
});
