/** The reports' numbers and times in the reader's language, times on the clinic's clock. */
export function reportFormat(locale: string, timeZone: string, currency: string, exponent: number) {
	const money = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent });
	const units = new Intl.NumberFormat(locale);
	const signedUnits = new Intl.NumberFormat(locale, { signDisplay: 'exceptZero' });
	const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone });
	const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
	const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
	return {
		money: (minor: number) => money.format(minor / 10 ** exponent),
		count: (n: number) => units.format(n),
		signed: (n: number) => signedUnits.format(n),
		time: (iso: string) => time.format(new Date(iso)),
		dateTime: (iso: string) => dateTime.format(new Date(iso)),
		/** A clinic day (YYYY-MM-DD) as words: it is a calendar day, not an instant, so no zone moves it. */
		day: (isoDay: string) => day.format(new Date(`${isoDay}T00:00:00Z`))
	};
}

export type ReportFormat = ReturnType<typeof reportFormat>;

export const medicineName = (med: { genericName: string; form: string; strength: string }) =>
	[med.genericName, med.strength, med.form].filter(Boolean).join(' ');
