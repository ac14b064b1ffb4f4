import { AppError, badRequest } from '../errors';
import { minorUnitOf } from '../../data/iso4217';

/**
 * A clinic's currency: its ISO 4217 code and the digits after the decimal point its stored
 * amounts have (`clinic.currency_exponent`, fixed when the clinic was created). Every amount is
 * integer minor units of it; the exponent never comes from Intl, whose data changes with Node's
 * ICU (PKR has 0 cash digits there and 2 in ISO 4217).
 */
export type Currency = { code: string; exponent: number };

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

/** Eastern Arabic (Urdu) and Arabic-Indic digits as ASCII, and their separators as '.' and nothing. */
function normalizeDigits(text: string): string {
	return text
		.replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
		.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
		.replace(/\u066B/g, '.')
		.replace(/[\s,\u066C\u060C']/g, '');
}

/**
 * An amount typed in major units ("1,500.50", "۱۵۰۰") as integer minor units of the currency.
 * Done on the decimal string, never through floating point, so 0.29 stays 29. Blank means 0.
 */
export function parseMajorAmount(text: string | undefined, currency: Currency, max: number, field: string): number {
	const plain = normalizeDigits(text ?? '');
	if (plain === '') return 0;
	const match = /^(\d+)(?:\.(\d*))?$/.exec(plain);
	const digits = currency.exponent;
	// The general code clients know, and beside it the specific one whose sentence shows an amount as accepted.
	const notAnAmount = (message: string) =>
		new AppError('field_invalid', 400, message, field, {}, [
			{ field, code: 'amount_invalid', params: { digits, example: formatMajorAmount(150050, currency) } }
		]);
	if (!match) throw notAnAmount('Not an amount');
	const fraction = (match[2] ?? '').replace(/0+$/, '');
	if (fraction.length > digits) throw notAnAmount(`At most ${digits} decimals`);
	const whole = match[1].replace(/^0+(?=\d)/, '');
	const tooLarge = new AppError('amount_too_large', 400, 'Amount too large', field, { max: formatMajorAmount(max, currency) });
	if (whole.length > 15) throw tooLarge;
	const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
	if (minor > max) throw tooLarge;
	return minor;
}

/** Minor units as the plain text a form field shows: 150050 PKR → "1500.50", 1500 JPY → "1500". */
export function formatMajorAmount(minor: number, currency: Currency): string {
	const digits = currency.exponent;
	if (digits === 0) return String(minor);
	const text = String(minor).padStart(digits + 1, '0');
	return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** Minor units for reading, in the reader's language: "Rs 1,500.00", "¥1,500", "KWD 1.500". */
export function formatMoney(minor: number, currency: Currency, locale: string): string {
	const digits = currency.exponent;
	// Intl is given the digits, never asked for them; the division is exact for display purposes
	// (amounts stay well inside 2^53).
	return new Intl.NumberFormat(locale, { style: 'currency', currency: currency.code, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
		minor / 10 ** digits
	);
}
