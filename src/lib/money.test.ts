import { describe, expect, it } from 'vitest';
import { formatMajorAmount, readMajorAmount } from './money';

const PKR = { code: 'PKR', exponent: 2 };
const JPY = { code: 'JPY', exponent: 0 };
const KWD = { code: 'KWD', exponent: 3 };
const MAX = 1_000_000_000_000;

describe('readMajorAmount', () => {
	it.each([
		['1500', PKR, 150_000],
		['1,500.5', PKR, 150_050],
		['0.29', PKR, 29],
		['۱۵۰۰٫۲۵', PKR, 150_025],
		['1500', JPY, 1500],
		['1.250', KWD, 1250],
		['', PKR, 0]
	])('reads %s as %d minor units', (text, currency, minor) => {
		expect(readMajorAmount(text, currency, MAX)).toEqual({ minor });
	});

	it.each([
		['12.345', PKR, 'decimals'],
		['1.5', JPY, 'decimals'],
		['-5', PKR, 'format'],
		['1e3', PKR, 'format'],
		['twelve', PKR, 'format'],
		['10000000000.01', PKR, 'too_large'],
		['9999999999999999', PKR, 'too_large']
	])('refuses %s (%s)', (text, currency, problem) => {
		expect(readMajorAmount(text, currency, MAX)).toEqual({ problem });
	});
});

describe('formatMajorAmount', () => {
	it('writes minor units as a form field shows them, negative ones too', () => {
		expect(formatMajorAmount(150_050, PKR)).toBe('1500.50');
		expect(formatMajorAmount(5, PKR)).toBe('0.05');
		expect(formatMajorAmount(-5_000, PKR)).toBe('-50.00');
		expect(formatMajorAmount(1500, JPY)).toBe('1500');
	});
});
