/**
 * Numbers typed into the stock forms. What is not a plain number is passed on as typed, so the
 * command's own validation refuses it with its field's message (never a silent 0).
 */
export function formUnits(value: string | undefined): number | string {
	const text = (value ?? '').trim();
	return /^\d{1,9}$/.test(text) ? Number(text) : text;
}

/** "12.50" in the clinic currency → integer minor units (1250 with two decimals). */
export function formAmount(value: string | undefined, exponent: number): number | string {
	const text = (value ?? '').trim().replace(/,/g, '');
	const match = /^(\d{1,12})(?:\.(\d*))?$/.exec(text);
	if (!match) return text;
	const fraction = match[2] ?? '';
	if (fraction.length > exponent) return text;
	return Number(match[1]) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
}
