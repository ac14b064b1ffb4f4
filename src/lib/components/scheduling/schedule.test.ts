import { describe, expect, it } from 'vitest';
import { scheduleProblems, type DayException, type WeeklyShift } from './schedule';

const shift = (weekday: number, start: string, end: string, breaks: WeeklyShift['breaks'] = []): WeeklyShift => ({
	weekday,
	start,
	end,
	slotMinutes: 15,
	breaks
});
const off = (date: string): DayException => ({ date, off: true, reason: '' });

/** The fields the editor marks before sending, as `field → code`. */
const marked = (weekly: WeeklyShift[], exceptions: DayException[] = []) => scheduleProblems(weekly, exceptions)?.fields?.map((f) => [f.field, f.code]) ?? [];

describe('the availability editor’s own check', () => {
	it('passes a schedule that looks right', () => {
		expect(scheduleProblems([shift(1, '09:00', '13:00'), shift(1, '14:00', '17:00')], [off('2030-01-01')])).toBeNull();
	});

	it('names every broken shift and exception at once, in the server’s field names and codes', () => {
		expect(
			marked(
				[
					shift(1, '15:00', '10:00'),
					shift(2, '09:00', '12:00', [{ start: '12:30', end: '13:00' }]),
					shift(3, '09:00', '12:00'),
					shift(3, '11:00', '14:00'),
					shift(6, '18:00', '08:00')
				],
				[
					off('2030-01-01'),
					off('2030-01-01'),
					{ date: '', off: true, reason: '' },
					{ date: '2030-02-01', off: false, reason: '' },
					{ date: '2030-03-01', off: false, start: '12:00', end: '09:00', reason: '' }
				]
			)
		).toEqual([
			['weekly.0.end', 'time_order'],
			['weekly.1.breaks', 'break_outside_hours'],
			['weekly.3.start', 'shifts_overlap'],
			['weekly.4.end', 'time_order'],
			['exceptions.1.date', 'exception_date_taken'],
			['exceptions.2.date', 'field_required'],
			['exceptions.3.start', 'hours_or_day_off'],
			['exceptions.4.end', 'time_order']
		]);
	});

	it('puts the first problem at the top, as the server does', () => {
		const refusal = scheduleProblems([shift(1, '15:00', '10:00')], []);
		expect(refusal).toMatchObject({ field: 'weekly.0.end', message: 'The end time must be after the start time.' });
	});
});
