import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { overwriteGetLocale } from '$lib/paraglide/runtime.js';
import { parseInput } from './validation';
import { isAppError, type AppError } from './errors';
import { translatedError } from './edge';
import { patientInput } from './patients/schema';
import { clinicInput, clinicSettingsInput, memberInput, setupInput } from './tenancy/schema';
import { availabilityInput, bookInput, upcomingClosureInput } from './scheduling/schema';
import { problem, withFieldCode } from './fieldCodes';

const TODAY = '2026-06-01';
const patient = patientInput('PK', TODAY);
const aClinic = { name: 'Shifa', code: 'SHF01', country: 'PK', city: 'Lahore', timezone: 'Asia/Karachi', currency: 'PKR' };
const shift = (start: string, end: string, more: Record<string, unknown> = {}) => ({ weekday: 1, start, end, slotMinutes: 15, ...more });

function refused(schema: z.ZodType, input: unknown): AppError {
	try {
		parseInput(schema, input);
	} catch (e) {
		if (isAppError(e)) return e;
		throw e;
	}
	throw new Error('accepted');
}

/** The fields of a refusal as `field → code`, in order. */
const codesOf = (e: AppError) => e.fields.map((f) => [f.field, f.code]);

function inLocale<T>(locale: 'en' | 'ur', run: () => T): T {
	overwriteGetLocale(() => locale);
	try {
		return run();
	} finally {
		overwriteGetLocale(() => 'en');
	}
}

describe('a refusal names every field’s problem at once', () => {
	const fourBad = { name: 'Ayesha', dateOfBirth: '2099-01-01', age: '500', phone: 'abc', email: 'bad@' };

	it('lists the four bad patient fields in the schema’s order, each with its specific code', () => {
		expect(codesOf(refused(patient, fourBad))).toEqual([
			['dateOfBirth', 'birth_date_in_future'],
			['age', 'age_out_of_range'],
			['phone', 'phone_invalid'],
			['email', 'email_invalid']
		]);
	});

	it('keeps the general code and the first field at the top, as clients before `fields` read them', () => {
		const e = refused(patient, fourBad);
		expect({ status: e.status, code: e.code, field: e.field }).toEqual({ status: 400, code: 'field_invalid', field: 'dateOfBirth' });
		expect(refused(patient, { name: 'A', age: 500 })).toMatchObject({ code: 'field_too_large', field: 'age', params: { max: 125 } });
	});

	it('names a field once, by its first problem: a date that does not exist before one in the future', () => {
		expect(codesOf(refused(patient, { name: 'A', dateOfBirth: '2099-13-01' }))).toEqual([['dateOfBirth', 'date_invalid']]);
	});

	it('finds the same codes in a partial schema (a correction sends only some fields)', () => {
		expect(codesOf(refused(patient.partial(), { age: 'forty', phone: 12 }))).toEqual([
			['age', 'age_out_of_range'],
			['phone', 'phone_invalid']
		]);
	});

	it('has no field to name when the input is not an object at all', () => {
		const e = refused(patient, [fourBad]);
		expect({ code: e.code, field: e.field, fields: e.fields }).toEqual({ code: 'field_invalid', field: undefined, fields: [] });
	});
});

describe('the specific code of each kind of problem', () => {
	const week = (weekly: unknown[], exceptions: unknown[] = []) => ({ weekly, exceptions });
	it.each<[string, string, string, z.ZodType, unknown, Record<string, unknown>?]>([
		['a birth date in the future', 'dateOfBirth', 'birth_date_in_future', patient, { name: 'A', dateOfBirth: '2026-06-02' }],
		['a day that does not exist', 'dateOfBirth', 'date_invalid', patient, { name: 'A', dateOfBirth: '2026-02-30' }, { from: '1900', to: '2200' }],
		['an age too large', 'age', 'age_out_of_range', patient, { name: 'A', age: 500 }, { min: 0, max: 125 }],
		['a negative age', 'age', 'age_out_of_range', patient, { name: 'A', age: '-1' }, { min: 0, max: 125 }],
		['a fractional age', 'age', 'age_out_of_range', patient, { name: 'A', age: 1.5 }],
		['an age in words', 'age', 'age_out_of_range', patient, { name: 'A', age: 'forty' }],
		['letters for a phone', 'phone', 'phone_invalid', patient, { name: 'A', phone: 'abc' }],
		['a bad emergency phone', 'emergencyContactPhone', 'phone_invalid', patient, { name: 'A', emergencyContactPhone: '12' }],
		['an email without a domain', 'email', 'email_invalid', patient, { name: 'A', email: 'bad@' }],
		['a number as a member’s email', 'email', 'email_invalid', memberInput, { email: 42, name: 'N', role: 'doctor' }],
		['an empty name', 'name', 'field_required', patient, { name: '  ' }],
		['a name left out', 'name', 'field_required', memberInput, { email: 'a@b.test', role: 'doctor' }],
		['an email box left empty', 'email', 'field_required', memberInput, { email: '', name: 'N', role: 'doctor' }],
		['a holiday date left empty', 'date', 'field_required', upcomingClosureInput(TODAY), { date: '' }],
		['a name too long', 'name', 'field_too_long', patient, { name: 'x'.repeat(121) }, { max: 120 }],
		['a made-up sex', 'sex', 'choice_invalid', patient, { name: 'A', sex: 'x' }],
		['a made-up role', 'role', 'choice_invalid', memberInput, { email: 'a@b.test', name: 'N', role: 'owner' }],
		['a colour name', 'color', 'color_invalid', clinicSettingsInput, { name: 'Clinic', require2fa: false, color: 'red' }],
		['a clinic code with a space', 'code', 'clinic_code_invalid', clinicInput, { ...aClinic, code: 'AB 1' }, { min: 3, max: 8 }],
		['a clinic code too short', 'code', 'clinic_code_invalid', clinicInput, { ...aClinic, code: 'AB' }],
		['a clinic code too long', 'code', 'clinic_code_invalid', clinicInput, { ...aClinic, code: 'ABCDEFGHI' }],
		['a made-up time zone', 'timezone', 'choice_invalid', clinicInput, { ...aClinic, timezone: 'Mars/Olympus' }],
		['a made-up currency', 'currency', 'choice_invalid', clinicInput, { ...aClinic, currency: 'XYZ' }],
		['a country that is no country code', 'country', 'choice_invalid', clinicInput, { ...aClinic, country: 'Pakistan' }],
		[
			'a short admin password',
			'admin.password',
			'password_length',
			setupInput,
			{ clinic: aClinic, admin: { name: 'A', email: 'a@b.test', password: 'short' } }
		],
		['a short member password', 'password', 'password_length', memberInput, { email: 'a@b.test', name: 'N', role: 'doctor', password: 'short' }, { min: 10 }],
		['a slot length not offered', 'weekly.0.slotMinutes', 'choice_invalid', availabilityInput, week([shift('09:00', '12:00', { slotMinutes: 7 })])],
		['a time of 25 o’clock', 'weekly.0.end', 'time_invalid', availabilityInput, week([shift('09:00', '25:00')])],
		['hours that end before they start', 'weekly.0.end', 'time_order', availabilityInput, week([shift('12:00', '09:00')])],
		[
			'a break outside the hours',
			'weekly.0.breaks',
			'break_outside_hours',
			availabilityInput,
			week([shift('09:00', '12:00', { breaks: [{ start: '12:30', end: '13:00' }] })])
		],
		['a second shift that overlaps the first', 'weekly.1.start', 'shifts_overlap', availabilityInput, week([shift('09:00', '12:00'), shift('11:00', '14:00')])],
		['a working exception without hours', 'exceptions.0.start', 'hours_or_day_off', availabilityInput, week([], [{ date: '2030-01-01', off: false }])],
		[
			'two exceptions on one date',
			'exceptions.1.date',
			'exception_date_taken',
			availabilityInput,
			week(
				[],
				[
					{ date: '2030-01-01', off: true },
					{ date: '2030-01-01', off: true }
				]
			)
		],
		['a holiday before today', 'date', 'closure_in_past', upcomingClosureInput(TODAY), { date: '2026-05-31' }],
		[
			'a patient id that is no id',
			'patientId',
			'id_invalid',
			bookInput,
			{ patientId: 'x', doctorId: '3f1c2a9e-8b7d-4c1e-9a2b-5d6e7f809112', start: '2026-06-02T09:00:00Z' }
		],
		[
			'a start without a time',
			'start',
			'instant_invalid',
			bookInput,
			{ patientId: '3f1c2a9e-8b7d-4c1e-9a2b-5d6e7f809112', doctorId: '3f1c2a9e-8b7d-4c1e-9a2b-5d6e7f809112', start: '2026-06-02' }
		]
	])('%s: %s is %s', (_case, field, code, schema, input, params) => {
		const first = refused(schema, input).fields[0];
		expect({ field: first.field, code: first.code }).toEqual({ field, code });
		if (params) expect(first.params).toMatchObject(params);
	});

	it('takes today as a holiday, and names each problem of a closure at once', () => {
		expect(parseInput(upcomingClosureInput(TODAY), { date: TODAY }).date).toBe(TODAY);
		expect(codesOf(refused(upcomingClosureInput(TODAY), { date: '2020-01-01', reason: 'x'.repeat(201) }))).toEqual([
			['date', 'closure_in_past'],
			['reason', 'field_too_long']
		]);
	});

	it('lets any schema name its codes: a field rule, and a refinement of its own that outranks it', () => {
		const schema = z.object({
			dose: withFieldCode(z.number().int().min(1), 'field_too_small', { min: 1 }),
			until: withFieldCode(z.string(), 'date_invalid').refine((v) => v !== 'never', problem('in_the_past', 'never'))
		});
		expect(codesOf(refused(schema, { dose: 'lots', until: 'never' }))).toEqual([
			['dose', 'field_too_small'],
			['until', 'in_the_past']
		]);
	});
});

describe('the translated error every edge sends', () => {
	const fourBad = { name: 'Ayesha', dateOfBirth: '2099-01-01', age: '500', phone: 'abc', email: 'bad@' };

	it('says what is wrong and what is accepted for each field, and puts the first sentence at the top', () => {
		const body = inLocale('en', () => translatedError(refused(patient, fourBad)));
		expect(body).toEqual({
			code: 'field_invalid',
			field: 'dateOfBirth',
			message: 'The birth date cannot be in the future.',
			fields: [
				{ field: 'dateOfBirth', code: 'birth_date_in_future', message: 'The birth date cannot be in the future.' },
				{ field: 'age', code: 'age_out_of_range', message: 'Age must be a whole number from 0 to 125.' },
				{ field: 'phone', code: 'phone_invalid', message: 'Enter a phone number with digits, e.g. 0300 1234567.' },
				{ field: 'email', code: 'email_invalid', message: 'Enter an email address like name@example.com.' }
			]
		});
	});

	it('says it in Urdu for an Urdu request', () => {
		const body = inLocale('ur', () => translatedError(refused(patient, fourBad)));
		for (const f of body.fields) expect(f.message).toMatch(/[\u0600-\u06FF]/);
		expect(body.fields[1].message).toContain('125');
		expect(body.message).toBe(body.fields[0].message);
	});

	it('lists a command’s one named field, and no field for a refusal that is about none', () => {
		const taken = translatedError(refused(z.object({ email: z.string() }), { email: 1 }));
		expect(taken.fields.map((f) => f.field)).toEqual(['email']);
		const none = translatedError(refused(z.string(), 1));
		expect(none.fields).toEqual([]);
		expect(none).not.toHaveProperty('field');
	});
});
