import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { discountAmount, invoiceTotals, lineAmounts, roundDiv } from './amounts';
import { creditNoteNumber, fiscalYearOf, invoiceNumber } from './fiscal';

describe('invoice arithmetic', () => {
	it('rounds half up, exactly, beyond what a double holds', () => {
		expect(roundDiv(5n, 10n)).toBe(1);
		expect(roundDiv(4n, 10n)).toBe(0);
		expect(roundDiv(15n, 10n)).toBe(2);
		expect(roundDiv(25n, 10n)).toBe(3);
		// 1e12 minor units at 17 %: the product is past 2^53, the result still exact.
		expect(roundDiv(1_000_000_000_001n * 1_700n, 10_000n)).toBe(170_000_000_000);
	});

	it('adds exclusive tax on the price after discount', () => {
		// 3 × 1 000.00 PKR, 10 % off, 17 % sales tax on top.
		expect(lineAmounts({ quantity: 3, unitPrice: 100_000, discount: { percent: 1_000 }, taxRateBasisPoints: 1_700, taxInclusive: false })).toEqual({
			gross: 300_000,
			discount: 30_000,
			tax: 45_900,
			total: 315_900
		});
	});

	it('finds inclusive tax inside the price, rounding the net half up', () => {
		// 1 150 with 15 % inside: the net is 1 000 and the tax 150.
		expect(lineAmounts({ quantity: 1, unitPrice: 1_150, taxRateBasisPoints: 1_500, taxInclusive: true })).toEqual({
			gross: 1_150,
			discount: 0,
			tax: 150,
			total: 1_150
		});
		// 100 with 17 % inside: 85.47… → the net 85, the tax 15.
		expect(lineAmounts({ quantity: 1, unitPrice: 100, taxRateBasisPoints: 1_700, taxInclusive: true }).tax).toBe(15);
	});

	it('works in currencies without minor units (JPY) and with three (KWD) the same way: on integers', () => {
		expect(lineAmounts({ quantity: 1, unitPrice: 1_005, taxRateBasisPoints: 1_000, taxInclusive: false }).tax).toBe(101); // 100.5 → 101 yen
		expect(lineAmounts({ quantity: 2, unitPrice: 1_250, discount: { amount: 5 }, taxRateBasisPoints: 500, taxInclusive: false })).toEqual({
			gross: 2_500,
			discount: 5,
			tax: 125,
			total: 2_620
		}); // 2.495 KWD + 5 % = 2.61975 → 0.125 tax (124.75 fils rounds to 125)
	});

	it('refuses a discount larger than its line', () => {
		expect(discountAmount(1_000, { amount: 1_001 })).toBeUndefined();
		expect(discountAmount(1_000, { percent: 10_000 })).toBe(1_000);
		expect(() => lineAmounts({ quantity: 1, unitPrice: 10, discount: { amount: 11 }, taxRateBasisPoints: 0, taxInclusive: false })).toThrow(RangeError);
	});

	it('keeps every line whole: total = gross − discount (+ tax when exclusive), tax never negative', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 1_000 }),
				fc.integer({ min: 0, max: 10_000_000 }),
				fc.integer({ min: 0, max: 10_000 }),
				fc.integer({ min: 0, max: 10_000 }),
				fc.boolean(),
				(quantity, unitPrice, percent, rate, inclusive) => {
					const l = lineAmounts({ quantity, unitPrice, discount: { percent }, taxRateBasisPoints: rate, taxInclusive: inclusive });
					expect(l.tax).toBeGreaterThanOrEqual(0);
					expect(l.discount).toBeLessThanOrEqual(l.gross);
					expect(l.total).toBe(l.gross - l.discount + (inclusive ? 0 : l.tax));
					if (inclusive) expect(l.tax).toBeLessThanOrEqual(l.total);
				}
			)
		);
	});

	it('sums lines into the invoice', () => {
		const a = lineAmounts({ quantity: 1, unitPrice: 150_000, taxRateBasisPoints: 0, taxInclusive: false });
		const b = lineAmounts({ quantity: 10, unitPrice: 800, discount: { amount: 500 }, taxRateBasisPoints: 1_700, taxInclusive: false });
		expect(invoiceTotals([a, b])).toEqual({ subtotal: 158_000, discount: 500, tax: 1_275, total: 158_775 });
	});
});

describe('fiscal years and numbers', () => {
	it('names a fiscal year by the calendar year it starts in', () => {
		expect(fiscalYearOf('2026-12-07', 1)).toBe(2026);
		expect(fiscalYearOf('2027-01-01', 1)).toBe(2027);
		// Pakistan: July to June.
		expect(fiscalYearOf('2026-06-30', 7)).toBe(2025);
		expect(fiscalYearOf('2026-07-01', 7)).toBe(2026);
		expect(fiscalYearOf('2027-03-10', 7)).toBe(2026);
		// Nepal's year starts mid-July; the clinic picks July or August.
		expect(fiscalYearOf('2026-12-31', 12)).toBe(2026);
	});

	it('formats gapless numbers per clinic and year', () => {
		expect(invoiceNumber('ABC01', 2026, 123)).toBe('ABC01-INV-2026-000123');
		expect(creditNoteNumber('ABC01', 2026, 4)).toBe('ABC01-CN-2026-000004');
	});
});
