/** Country, time-zone and currency choices, named in the reader's language by Intl. */
const pseudoRegions = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB']);

export function countryOptions(locale: string): { code: string; name: string }[] {
	const names = new Intl.DisplayNames([locale, 'en'], { type: 'region', fallback: 'code' });
	const out: { code: string; name: string }[] = [];
	for (let a = 65; a <= 90; a++) {
		for (let b = 65; b <= 90; b++) {
			const code = String.fromCharCode(a, b);
			if (pseudoRegions.has(code)) continue;
			const name = names.of(code);
			if (name && name !== code) out.push({ code, name });
		}
	}
	return out.sort((x, y) => x.name.localeCompare(y.name, locale));
}

export function timezoneOptions(): string[] {
	return Intl.supportedValuesOf('timeZone');
}

export function currencyOptions(locale: string): { code: string; name: string }[] {
	const names = new Intl.DisplayNames([locale, 'en'], { type: 'currency', fallback: 'code' });
	return Intl.supportedValuesOf('currency').map((code) => ({ code, name: `${code} · ${names.of(code) ?? code}` }));
}
