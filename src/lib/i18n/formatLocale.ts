/**
 * The locale dates and times are formatted in. Urdu uses the 24-hour clock: its ICU data writes
 * "8:00 PM" with Latin AM/PM, which a right-to-left line turns into "PM 8:00", and English
 * (en-GB) already counts to 24, so both languages read times the same way.
 */
export function formatLocale(locale: string): string {
	return locale === 'ur' ? 'ur-PK-u-hc-h23' : 'en-GB';
}
