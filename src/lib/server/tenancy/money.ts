import { AppError, badRequest } from '../errors';
import { minorUnitOf } from '../../data/iso4217';
import { formatMajorAmount, readMajorAmount, type Currency } from '../../money';

export type { Currency } from '../../money';
export { formatMajorAmount, formatMoney } from '../../money';

/** The clinic row's currency. */
export function currencyOf(clinic: { currency: string; currencyExponent: number }): Currency {
	return { code: clinic.currency, exponent: clinic.currencyExponent };
}

/** The columns a new clinic stores for an ISO 4217 code (already validated by the `currency` schema). */
export function currencyColumns(code: string): { currency: string; currencyExponent: number } {
	const exponent = minorUnitOf(code);
	if (exponent === undefined) throw badRequest('Not an ISO 4217 currency code', 'currency', 'field_invalid');
	return { currency: code, currencyExponent: exponent };
}

/**
 * An amount typed in major units ("1,500.50", "۱۵۰۰") as integer minor units of the currency
 * (`readMajorAmount`), or a refusal naming `field`. Blank means 0.
 */
export function parseMajorAmount(text: string | undefined, currency: Currency, max: number, field: string): number {
	const read = readMajorAmount(text, currency, max);
	if ('minor' in read) return read.minor;
	if (read.problem === 'too_large') throw new AppError('amount_too_large', 400, 'Amount too large', field, { max: formatMajorAmount(max, currency) });
	// The general code clients know, and beside it the specific one whose sentence shows an amount as accepted.
	const digits = currency.exponent;
	throw new AppError('field_invalid', 400, read.problem === 'decimals' ? `At most ${digits} decimals` : 'Not an amount', field, {}, [
		{ field, code: 'amount_invalid', params: { digits, example: formatMajorAmount(150050, currency) } }
	]);
}
