import { AppError, badRequest } from '../errors';

/** Digits after the decimal point of a currency as Intl knows it: 0 for JPY, 2 for PKR, 3 for KWD. */
export function currencyDigits(currency: string): number {
	return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
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
export function parseMajorAmount(text: string | undefined, currency: string, max: number, field: string): number {
	const plain = normalizeDigits(text ?? '');
	if (plain === '') return 0;
	const match = /^(\d+)(?:\.(\d*))?$/.exec(plain);
	if (!match) throw badRequest('Not an amount', field, 'field_invalid');
	const digits = currencyDigits(currency);
	const fraction = (match[2] ?? '').replace(/0+$/, '');
	if (fraction.length > digits) throw badRequest(`At most ${digits} decimals`, field, 'field_invalid');
	const whole = match[1].replace(/^0+(?=\d)/, '');
	const tooLarge = new AppError('amount_too_large', 400, 'Amount too large', field, { max: formatMajorAmount(max, currency) });
	if (whole.length > 15) throw tooLarge;
	const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
	if (minor > max) throw tooLarge;
	return minor;
}

/** Minor units as the plain text a form field shows: 150050 PKR → "1500.50", 1500 JPY → "1500". */
export function formatMajorAmount(minor: number, currency: string): string {
	const digits = currencyDigits(currency);
	if (digits === 0) return String(minor);
	const text = String(minor).padStart(digits + 1, '0');
	return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** Minor units for reading, in the reader's language: "Rs 1,500.00", "¥1,500", "KWD 1.500". */
export function formatMoney(minor: number, currency: string, locale: string): string {
	const digits = currencyDigits(currency);
	return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
		minor / 10 ** digits
	);
}
