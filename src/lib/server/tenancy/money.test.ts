import { describe, expect, it } from 'vitest';
import { currencyColumns, currencyOf, formatMajorAmount, formatMoney, parseMajorAmount } from './money';
import { ISO_4217_MINOR_UNITS } from '../../data/iso4217';
import { AppError } from '../errors';

const MAX = 100_000_000;
/** A currency as a clinic created with it stores it. */
const c = (code: string) => currencyOf(currencyColumns(code));
const parse = (text: string, code: string) => parseMajorAmount(text, c(code), MAX, 'consultationFee');

function errorOf(fn: () => unknown): AppError {
	try {
		fn();
	} catch (e) {
		if (e instanceof AppError) return e;
		throw e;
	}
	throw new Error('expected an AppError');
}

describe('money in major and minor units', () => {
	it('fixes a new clinic’s minor unit from ISO 4217, not from Intl (whose PKR has no decimals)', () => {
		expect(currencyColumns('JPY').currencyExponent).toBe(0);
		expect(currencyColumns('USD').currencyExponent).toBe(2);
		expect(currencyColumns('KWD').currencyExponent).toBe(3);
		expect(currencyColumns('PKR').currencyExponent).toBe(2);
		expect(currencyColumns('NPR').currencyExponent).toBe(2);
		expect(currencyColumns('CLF').currencyExponent).toBe(4);
		expect(() => currencyColumns('XXX')).toThrow(expect.objectContaining({ field: 'currency' }));
		expect(() => currencyColumns('toString')).toThrow(expect.objectContaining({ field: 'currency' }));
		expect(Object.keys(ISO_4217_MINOR_UNITS).length).toBeGreaterThan(150);
	});

	it('shows a demo fee of 2000.00 PKR as two thousand rupees whatever ICU says about PKR', () => {
		expect(formatMajorAmount(2000_00, c('PKR'))).toBe('2000.00');
		expect(formatMoney(2000_00, c('PKR'), 'en')).toMatch(/2,000\.00/);
		expect(parse('2000', 'PKR')).toBe(2000_00);
	});

	it('reads stored amounts by the exponent the clinic kept, even if the code’s exponent were different', () => {
		expect(formatMajorAmount(150050, { code: 'PKR', exponent: 2 })).toBe('1500.50');
		expect(formatMajorAmount(1500, { code: 'PKR', exponent: 0 })).toBe('1500');
	});

	it('turns typed amounts into integer minor units without floating-point drift', () => {
		expect(parse('1500', 'JPY')).toBe(1500);
		expect(parse('0.29', 'USD')).toBe(29);
		expect(parse('1,500.5', 'USD')).toBe(150050);
		expect(parse('12.345', 'KWD')).toBe(12345);
		expect(parse('12.00', 'JPY')).toBe(12);
		expect(parse('', 'USD')).toBe(0);
	});

	it('reads Urdu digits and separators', () => {
		expect(parse('۱۵۰۰', 'JPY')).toBe(1500);
		expect(parse('۱٬۵۰۰٫۲۵', 'USD')).toBe(150025);
	});

	it('refuses negative, malformed and over-precise amounts', () => {
		for (const bad of ['-5', 'abc', '1e3', '12.3.4', '0x10', '1500 OR 1=1']) {
			const err = errorOf(() => parse(bad, 'USD'));
			expect([err.code, err.field]).toEqual(['field_invalid', 'consultationFee']);
		}
		expect(errorOf(() => parse('10.5', 'JPY')).code).toBe('field_invalid');
		expect(errorOf(() => parse('1.2345', 'KWD')).code).toBe('field_invalid');
	});

	it('refuses amounts above the maximum and says what the maximum is', () => {
		const err = errorOf(() => parse('1000000.01', 'USD'));
		expect(err.code).toBe('amount_too_large');
		expect(err.params.max).toBe('1000000.00');
		expect(errorOf(() => parse('9'.repeat(40), 'USD')).code).toBe('amount_too_large');
		expect(parse('1000000', 'USD')).toBe(MAX);
	});

	it('shows minor units back in major units for forms and for reading', () => {
		expect(formatMajorAmount(150050, c('USD'))).toBe('1500.50');
		expect(formatMajorAmount(5, c('KWD'))).toBe('0.005');
		expect(formatMajorAmount(1500, c('JPY'))).toBe('1500');
		expect(formatMoney(150050, c('USD'), 'en')).toBe('$1,500.50');
		expect(formatMoney(1500, c('KWD'), 'en')).toMatch(/1\.500/);
	});
});
