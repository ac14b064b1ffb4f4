import { m } from '$lib/paraglide/messages.js';
import { formatLocale } from '$lib/i18n/formatLocale';

/** One line of search results, ready to show. */
export type SearchResult = { id: string; ref: string; name: string; details: string; phone: string | null; href: string };

export const SEXES = ['male', 'female', 'other'] as const;
export const DOCUMENT_KINDS = ['id_scan', 'insurance_card', 'referral_letter', 'lab_report', 'other'] as const;
export const LANGUAGES = ['en', 'ur'] as const;

/** The record's fields, as the registry form shows them (each with its message beside it) and sends them. */
export const RECORD_FIELDS = [
	'name',
	'dateOfBirth',
	'age',
	'sex',
	'phone',
	'email',
	'address',
	'nationalId',
	'externalRef',
	'allergies',
	'chronicConditions',
	'emergencyContactName',
	'emergencyContactPhone',
	'preferredLanguage'
] as const;

export function sexLabel(sex: string | null): string {
	if (sex === 'male') return m.patients_sex_male();
	if (sex === 'female') return m.patients_sex_female();
	if (sex === 'other') return m.patients_sex_other();
	return m.patients_sex_unstated();
}

export function kindLabel(kind: string): string {
	const labels: Record<string, () => string> = {
		id_scan: m.patients_kind_id_scan,
		insurance_card: m.patients_kind_insurance_card,
		referral_letter: m.patients_kind_referral_letter,
		lab_report: m.patients_kind_lab_report
	};
	return (labels[kind] ?? m.patients_kind_other)();
}

export const languageLabel = (language: string) => (language === 'ur' ? m.patients_language_ur() : m.patients_language_en());

/** Whole years between a birth date and a day, both YYYY-MM-DD. */
export function ageOn(dateOfBirth: string, today: string): number {
	const [by, bm, bd] = dateOfBirth.split('-').map(Number);
	const [ty, tm, td] = today.split('-').map(Number);
	return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** "34 y · Female", "about 40 y · Male", or just the sex when no birth date is known. */
export function ageSex(p: { dateOfBirth: string | null; dobEstimated?: boolean; sex: string | null }, today: string): string {
	const parts: string[] = [];
	if (p.dateOfBirth) {
		const age = ageOn(p.dateOfBirth, today);
		parts.push(p.dobEstimated ? m.patients_age_estimated({ age: String(age) }) : m.patients_age_years({ age: String(age) }));
	}
	if (p.sex) parts.push(sexLabel(p.sex));
	return parts.join(' · ');
}

/** "3 appointments, 1 documents" for what a merge moved; tables with nothing moved are left out. */
export function movedList(moved: Record<string, number>): string {
	const byTable: Record<string, (p: { count: string }) => string> = {
		appointment: m.patients_moved_appointment,
		waitlist_entry: m.patients_moved_waitlist_entry,
		patient_document: m.patients_moved_patient_document
	};
	return Object.entries(moved)
		.filter(([, count]) => count > 0)
		.map(([table, count]) => (byTable[table] ? byTable[table]({ count: String(count) }) : m.patients_moved_other({ count: String(count), table })))
		.join(', ');
}

export function fileSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A stored instant as a date (and time) in the clinic's zone, in the page's language. */
export function formatWhen(at: Date | string, timeZone: string, locale: string, withTime = false): string {
	return new Intl.DateTimeFormat(formatLocale(locale), {
		timeZone,
		day: 'numeric',
		month: 'short',
		year: 'numeric',
		...(withTime ? { hour: '2-digit', minute: '2-digit' } : {})
	}).format(new Date(at));
}

/** A YYYY-MM-DD day as words, without shifting it through a time zone. */
export function formatDay(day: string, locale: string): string {
	return formatWhen(`${day}T12:00:00Z`, 'UTC', locale);
}
