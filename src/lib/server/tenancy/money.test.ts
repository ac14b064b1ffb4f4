import { describe, expect, it } from 'vitest';
import { currencyDigits, formatMajorAmount, formatMoney, parseMajorAmount } from './money';
import { AppError } from '../errors';

const MAX = 100_000_000;
const parse = (text: string, currency: string) => parseMajorAmount(text, currency, MAX, 'consultationFee');

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
	it('knows currencies with 0, 2 and 3 decimals from Intl', () => {
		expect(currencyDigits('JPY')).toBe(0);
		expect(currencyDigits('USD')).toBe(2);
		expect(currencyDigits('KWD')).toBe(3);
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
		expect(formatMajorAmount(150050, 'USD')).toBe('1500.50');
		expect(formatMajorAmount(5, 'KWD')).toBe('0.005');
		expect(formatMajorAmount(1500, 'JPY')).toBe('1500');
		expect(formatMoney(150050, 'USD', 'en')).toBe('$1,500.50');
		expect(formatMoney(1500, 'KWD', 'en')).toMatch(/1\.500/);
	});
});
