/**
 * Money as the server and the browser both read it: amounts are integer minor units of the
 * clinic's currency, typed in major units ("1,500.50", Urdu digits too) and shown with Intl.
 * Pure, so the payment form can say the change due as the desk types, by the server's own rules.
 */

/** A clinic's currency: its ISO 4217 code and the digits after the decimal point of its stored amounts. */
export type Currency = { code: string; exponent: number };

/** Why typed text is not an amount: not a number, too many decimals, or more than allowed. */
export type AmountProblem = 'format' | 'decimals' | 'too_large';

/** Eastern Arabic (Urdu) and Arabic-Indic digits as ASCII, and their separators as '.' and nothing. */
function normalizeDigits(text: string): string {
	return text
		.replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
		.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
		.replace(/\u066B/g, '.')
		.replace(/[\s,\u066C\u060C']/g, '');
}

/**
 * An amount typed in major units as integer minor units, or why it is not one. Done on the
 * decimal string, never through floating point, so 0.29 stays 29. Blank is 0.
 */
export function readMajorAmount(text: string | undefined, currency: Currency, max: number): { minor: number } | { problem: AmountProblem } {
	const plain = normalizeDigits(text ?? '');
	if (plain === '') return { minor: 0 };
	const match = /^(\d+)(?:\.(\d*))?$/.exec(plain);
	if (!match) return { problem: 'format' };
	const digits = currency.exponent;
	const fraction = (match[2] ?? '').replace(/0+$/, '');
	if (fraction.length > digits) return { problem: 'decimals' };
	const whole = match[1].replace(/^0+(?=\d)/, '');
	if (whole.length > 15) return { problem: 'too_large' };
	const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
	return minor > max ? { problem: 'too_large' } : { minor };
}

/** Minor units as the plain text a form field shows: 150050 PKR → "1500.50", 1500 JPY → "1500". */
export function formatMajorAmount(minor: number, currency: Currency): string {
	const digits = currency.exponent;
	const sign = minor < 0 ? '-' : '';
	const abs = Math.abs(minor);
	if (digits === 0) return `${sign}${abs}`;
	const text = String(abs).padStart(digits + 1, '0');
	return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
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
