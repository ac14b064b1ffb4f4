import { describe, expect, it } from 'vitest';
import { clinicDay } from '$lib/time';
import { contrastRatio, dateText, DOCTOR_PALETTE, doctorColours, offSpans, readCalendarDays, textOn } from './calendarData';

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

describe('offSpans', () => {
	const day = '2026-12-07';
	const w = (start: string, end: string) => ({ start: `${day}T${start}:00`, end: `${day}T${end}:00` });

	it('shades the grid before, between and after working stretches', () => {
		expect(offSpans(day, [w('14:00', '17:00'), w('09:00', '13:00')])).toEqual([w('07:00', '09:00'), w('13:00', '14:00'), w('17:00', '22:00')]);
	});

	it('shades the whole day of a doctor who does not work, and nothing of one who works the whole grid', () => {
		expect(offSpans(day, [])).toEqual([w('07:00', '22:00')]);
		expect(offSpans(day, [w('06:00', '23:30')])).toEqual([]);
	});

	it('joins overlapping stretches (two doctors in the week view) and ignores those outside the grid', () => {
		expect(offSpans(day, [w('09:00', '12:00'), w('11:00', '15:00'), w('05:00', '06:30')])).toEqual([w('07:00', '09:00'), w('15:00', '22:00')]);
	});
});

describe('the text colour on an appointment type’s colour', () => {
	it.each([
		['#ffffff', '#000000'],
		['#fef0c7', '#000000'],
		['#ffff00', '#000000'],
		['#808080', '#000000'],
		['#000000', '#ffffff'],
		['#0f766e', '#ffffff'],
		['#0000ff', '#ffffff'],
		['#b42318', '#ffffff']
	])('on %s is %s', (background, text) => {
		expect(textOn(background)).toBe(text);
	});

	it('always reaches the WCAG AA contrast for normal text (4.5:1), whatever the colour', () => {
		for (let v = 0; v < 0x1000000; v += 0x010307) {
			const background = `#${v.toString(16).padStart(6, '0')}`;
			expect(contrastRatio(background, textOn(background)), background).toBeGreaterThanOrEqual(4.5);
		}
	});
});

describe('readCalendarDays', () => {
	const day = (d: string, status = 'confirmed') => ({
		day: d,
		doctors: [{ id: 'd1', name: 'Dr Sana' }],
		hours: [],
		appointments: [
			{
				id: `a-${d}`,
				ref: 'R',
				patientId: 'p1',
				patientName: 'Amna',
				patientRef: 'P',
				doctorId: 'd1',
				start: `${d}T05:00:00.000Z`,
				end: `${d}T05:15:00.000Z`,
				status,
				reason: '',
				type: null
			}
		]
	});

	it('draws each day it can read, and a day not synced yet as empty', () => {
		const read = readCalendarDays([
			{ day: '2026-12-07', content: day('2026-12-07') },
			{ day: '2026-12-08', content: {} }
		]);
		expect(read.outdated).toBe(false);
		expect(read.days.map((d) => [d.day, d.appointments.length])).toEqual([
			['2026-12-07', 1],
			['2026-12-08', 0]
		]);
	});

	it('says the screen is outdated when any day speaks a shape this build does not know', () => {
		const read = readCalendarDays([
			{ day: '2026-12-07', content: day('2026-12-07') },
			{ day: '2026-12-08', content: day('2026-12-08', 'in_triage') }
		]);
		expect(read.outdated).toBe(true);
	});
});

describe('doctorColours', () => {
	it('writes every doctor colour in black or white that reaches 4.5:1', () => {
		for (const colour of DOCTOR_PALETTE) expect(contrastRatio(colour, textOn(colour))).toBeGreaterThanOrEqual(4.5);
	});

	it('gives each doctor a different colour by their place in the clinic’s list, starting again past the palette’s end', () => {
		const doctors = Array.from({ length: DOCTOR_PALETTE.length + 1 }, (_, i) => ({ id: `d${i}` }));
		const colours = doctorColours(doctors);
		expect(new Set(doctors.slice(0, DOCTOR_PALETTE.length).map((d) => colours.get(d.id)?.background)).size).toBe(DOCTOR_PALETTE.length);
		expect(colours.get('d0')).toEqual({ background: DOCTOR_PALETTE[0], text: textOn(DOCTOR_PALETTE[0]) });
		expect(colours.get(`d${DOCTOR_PALETTE.length}`)?.background).toBe(DOCTOR_PALETTE[0]);
	});
});
