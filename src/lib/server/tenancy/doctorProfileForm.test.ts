import { describe, expect, it } from 'vitest';
import { overwriteGetLocale } from '$lib/paraglide/runtime.js';
import { doctorProfileFromForm } from './doctorProfileForm';
import { isAppError, type AppError } from '../errors';
import { translatedError } from '../edge';

const PKR = { code: 'PKR', exponent: 2 };
const JPY = { code: 'JPY', exponent: 0 };
const form = (values: Record<string, string>) => ({ specialization: '', registrationNumber: '', consultationFee: '', listing: 'public', ...values });

function refused(run: () => unknown): AppError {
	try {
		run();
	} catch (e) {
		if (isAppError(e)) return e;
		throw e;
	}
	throw new Error('accepted');
}

describe('the doctor profile form', () => {
	it('turns a fee typed in rupees into paisa', () => {
		expect(doctorProfileFromForm(form({ consultationFee: '1500.5' }), PKR)).toMatchObject({ consultationFee: 150050, listing: 'public' });
	});

	it('names a fee that is no amount together with every other field’s problem, in the form’s order', () => {
		overwriteGetLocale(() => 'en');
		const error = refused(() =>
			doctorProfileFromForm(form({ specialization: 'x'.repeat(121), registrationNumber: 'r'.repeat(61), consultationFee: 'fifteen', listing: 'everyone' }), PKR)
		);
		const body = translatedError(error);
		expect({ code: body.code, field: body.field }).toEqual({ code: 'field_too_long', field: 'specialization' });
		expect(body.fields).toEqual([
			{ field: 'specialization', code: 'field_too_long', message: 'Too long: at most 120 characters.' },
			{ field: 'registrationNumber', code: 'field_too_long', message: 'Too long: at most 60 characters.' },
			{ field: 'consultationFee', code: 'amount_invalid', message: 'Write the amount in digits, with at most 2 decimals, e.g. 1500.50.' },
			{ field: 'listing', code: 'choice_invalid', message: 'Choose one of the options offered.' }
		]);
	});

	it('keeps the fee’s own refusal on top when it is the only problem, and says what a whole-number currency accepts, in Urdu too', () => {
		overwriteGetLocale(() => 'ur');
		const error = refused(() => doctorProfileFromForm(form({ consultationFee: '10.5' }), JPY));
		const body = translatedError(error);
		expect({ code: body.code, field: body.field, fields: body.fields.map((f) => f.code) }).toEqual({
			code: 'field_invalid',
			field: 'consultationFee',
			fields: ['amount_invalid']
		});
		expect(body.message).toContain('اعشاریہ کے بغیر');
		overwriteGetLocale(() => 'en');
	});

	it('names a fee too large beside the other problems', () => {
		const error = refused(() => doctorProfileFromForm(form({ consultationFee: '99999999999', listing: 'nobody' }), PKR));
		expect(error.fields.map((f) => [f.field, f.code])).toEqual([
			['consultationFee', 'amount_too_large'],
			['listing', 'choice_invalid']
		]);
		expect(error.field).toBe('consultationFee');
	});
});
