/*
 * Invoice arithmetic on integer minor units, exact: products go through BigInt, and a division
 * rounds half up (amounts here are never negative), so 0.5 of a minor unit becomes 1 whatever the
 * currency's digits. Percentages and tax rates are basis points (1 700 = 17 %).
 */

const BASIS = 10_000n;

/** numerator / denominator, both ≥ 0, rounded half up to an integer. */
export function roundDiv(numerator: bigint, denominator: bigint): number {
	return Number((2n * numerator + denominator) / (2n * denominator));
}

/** A line's discount: an amount in minor units, or a percentage in basis points. */
export type Discount = { amount: number } | { percent: number };

export type LineInput = {
	quantity: number;
	unitPrice: number;
	discount?: Discount | null;
	taxRateBasisPoints: number;
	taxInclusive: boolean;
};

export type LineAmounts = {
	/** quantity × unit price */
	gross: number;
	discount: number;
	/** What the line adds to the invoice, tax included. */
	total: number;
	/** The tax inside `total` (inclusive) or added to it (exclusive). */
	tax: number;
};

/** The discount of a line as an amount; undefined when it is more than the line. */
export function discountAmount(gross: number, discount: Discount | null | undefined): number | undefined {
	if (!discount) return 0;
	const amount = 'amount' in discount ? discount.amount : roundDiv(BigInt(gross) * BigInt(discount.percent), BASIS);
	return amount > gross ? undefined : amount;
}

/**
 * A line's amounts. Tax applies to the price after discount: added on top when exclusive;
 * when inclusive the discounted price already holds it, and the tax is what remains after the
 * net price net = price × 10 000 / (10 000 + rate), rounded half up.
 */
export function lineAmounts(line: LineInput): LineAmounts {
	const gross = line.quantity * line.unitPrice;
	const discount = discountAmount(gross, line.discount);
	if (discount === undefined) throw new RangeError('discount exceeds the line');
	const net = gross - discount;
	const rate = BigInt(line.taxRateBasisPoints);
	if (line.taxInclusive) {
		const withoutTax = roundDiv(BigInt(net) * BASIS, BASIS + rate);
		return { gross, discount, total: net, tax: net - withoutTax };
	}
	const tax = roundDiv(BigInt(net) * rate, BASIS);
	return { gross, discount, total: net + tax, tax };
}

export type InvoiceTotals = { subtotal: number; discount: number; tax: number; total: number };

/** An invoice's totals: the sums of its lines (subtotal before discounts; total with tax). */
export function invoiceTotals(lines: readonly LineAmounts[]): InvoiceTotals {
	return lines.reduce(
		(sum, l) => ({ subtotal: sum.subtotal + l.gross, discount: sum.discount + l.discount, tax: sum.tax + l.tax, total: sum.total + l.total }),
		{ subtotal: 0, discount: 0, tax: 0, total: 0 }
	);
}

/** What is still owed on an invoice. */
export const balanceOf = (invoice: { total: number; paid: number; credited: number }) => invoice.total - invoice.paid - invoice.credited;
