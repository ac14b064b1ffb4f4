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

/** ICU lists some zones under names the tz database has since replaced; offer the current ones. */
const currentNames: Record<string, string> = {
	'Asia/Calcutta': 'Asia/Kolkata',
	'Asia/Katmandu': 'Asia/Kathmandu',
	'Asia/Saigon': 'Asia/Ho_Chi_Minh',
	'Asia/Rangoon': 'Asia/Yangon',
	'Europe/Kiev': 'Europe/Kyiv',
	'Atlantic/Faeroe': 'Atlantic/Faroe',
	'America/Godthab': 'America/Nuuk',
	'Pacific/Enderbury': 'Pacific/Kanton'
};

export function timezoneOptions(): string[] {
	const names = Intl.supportedValuesOf('timeZone').map((tz) => currentNames[tz] ?? tz);
	return [...new Set([...names, 'UTC'])].sort();
}

export function currencyOptions(locale: string): { code: string; name: string }[] {
	const names = new Intl.DisplayNames([locale, 'en'], { type: 'currency', fallback: 'code' });
	return Intl.supportedValuesOf('currency').map((code) => ({ code, name: `${code} · ${names.of(code) ?? code}` }));
}
