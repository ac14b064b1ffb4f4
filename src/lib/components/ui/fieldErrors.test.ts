import { describe, expect, it } from 'vitest';
import type { FormError } from '$lib/server/edge/types';
import { fieldMessage, fieldMessages, fieldMessagesUnder, invalidAttributes, renameFields } from './fieldErrors';
import { rowProblems } from '$lib/components/scheduling/rowProblems';

const refusal: FormError = {
	code: 'field_invalid',
	message: 'The birth date cannot be in the future.',
	field: 'dateOfBirth',
	fields: [
		{ field: 'dateOfBirth', code: 'birth_date_in_future', message: 'The birth date cannot be in the future.' },
		{ field: 'age', code: 'age_out_of_range', message: 'Age must be a whole number from 0 to 125.' }
	]
};

describe('a field’s message', () => {
	it('finds each field’s own message in `fields`', () => {
		expect(fieldMessage(refusal, 'age')).toBe('Age must be a whole number from 0 to 125.');
		expect(fieldMessage(refusal, 'name')).toBeNull();
		expect(fieldMessage(null, 'age')).toBeNull();
	});

	it('reads the one `field` of an error made in the browser (or before `fields`)', () => {
		const local: FormError = { code: 'field_required', message: 'Choose a patient.', field: 'patientId' };
		expect(fieldMessages(local)).toEqual([{ field: 'patientId', code: 'field_required', message: 'Choose a patient.' }]);
		expect(fieldMessages({ code: 'forbidden', message: 'No.', fields: [] })).toEqual([]);
	});

	it('marks a control invalid and describes it by its hint and then its message', () => {
		expect(invalidAttributes(refusal, 'age', 'field-age', 'field-age-hint')).toEqual({
			'aria-invalid': 'true',
			'aria-describedby': 'field-age-hint field-age-error'
		});
		expect(invalidAttributes(refusal, 'name', 'field-name', 'field-name-hint')).toEqual({ 'aria-invalid': undefined, 'aria-describedby': 'field-name-hint' });
		expect(invalidAttributes(refusal, 'name', 'field-name')).toEqual({ 'aria-invalid': undefined, 'aria-describedby': undefined });
	});

	it('renames the fields for a form whose boxes are named otherwise, the first one too', () => {
		const setup: FormError = {
			code: 'field_invalid',
			message: 'x',
			field: 'clinic.code',
			fields: [{ field: 'clinic.code', code: 'field_invalid', message: 'x' }]
		};
		const renamed = renameFields(setup, (f) => f.replace(/^clinic\./, ''));
		expect(renamed?.field).toBe('code');
		expect(fieldMessage(renamed, 'code')).toBe('x');
	});
});

describe('the problems of one row of a list', () => {
	const schedule: FormError = {
		code: 'field_invalid',
		message: 'm',
		field: 'weekly.0.end',
		fields: [
			{ field: 'weekly.0.end', code: 'time_order', message: 'The end time must be after the start time.' },
			{ field: 'weekly.10.weekday', code: 'field_too_large', message: 'Must be at most 7.' },
			{ field: 'weekly.1.breaks.0.end', code: 'time_order', message: 'The end time must be after the start time.' }
		]
	};

	it('takes the fields inside the row, not a row whose number only starts the same', () => {
		expect(fieldMessagesUnder(schedule, 'weekly.1').map((f) => f.field)).toEqual(['weekly.1.breaks.0.end']);
	});

	it('says which controls are concerned, and marks the first when none is', () => {
		const first = rowProblems(schedule, 'weekly.0', ['start', 'end', 'slotMinutes', 'breaks']);
		expect([first.at('start'), first.at('end')]).toEqual([false, true]);
		const weekday = rowProblems(schedule, 'weekly.10', ['start', 'end']);
		expect([weekday.messages, weekday.at('start'), weekday.at('end')]).toEqual([['Must be at most 7.'], true, false]);
		expect(rowProblems(schedule, 'weekly.1', ['start', 'breaks']).at('breaks')).toBe(true);
		expect(rowProblems(schedule, 'weekly.2', ['start']).messages).toEqual([]);
	});
});
