import { formatRef } from '$lib/server/tenancy/counters';
import type { Patient } from '$lib/server/db/schema/patients';
import type { PatientSummary } from '$lib/server/patients/queries';
import { CLEARABLE } from '$lib/server/patients/updatePatient';
import { RECORD_FIELDS, ageOn, ageSex, type SearchResult } from '$lib/components/patients/labels';

/** The record fields a form may send (`RECORD_FIELDS`); anything else in the form (buttons, tokens) stays out of the command. */
function recordFields(values: Record<string, string>): Record<string, string> {
	return Object.fromEntries(RECORD_FIELDS.filter((key) => key in values).map((key) => [key, values[key]]));
}

/** Registration: a field left empty was not given, so the registry's defaults apply. */
export function registrationInput(values: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(recordFields(values)).filter(([, value]) => value.trim() !== ''));
}

/**
 * Correction: every field is sent, an emptied optional field is cleared. The age box is sent
 * only when it was changed, so saving a record with an estimated birth date does not re-estimate it.
 */
export function correctionInput(values: Record<string, string>, current: Patient, today: string): Record<string, string | null> {
	const fields: Record<string, string | null> = recordFields(values);
	const shownAge = current.dobEstimated && current.dateOfBirth ? String(ageOn(current.dateOfBirth, today)) : '';
	const age = (fields.age ?? '').trim();
	delete fields.age;
	if (age && age !== shownAge) {
		fields.age = age;
		delete fields.dateOfBirth;
	} else if (current.dobEstimated && !fields.dateOfBirth && age === shownAge && age !== '') {
		delete fields.dateOfBirth;
	}
	for (const key of CLEARABLE) if (fields[key] !== undefined && fields[key]?.trim() === '') fields[key] = null;
	return fields;
}

/** The form's starting values for a record: an estimated birth date shows as an age. */
export function formOf(p: Patient, today: string): Record<string, string> {
	const estimated = p.dobEstimated && p.dateOfBirth;
	return {
		name: p.name,
		dateOfBirth: estimated ? '' : (p.dateOfBirth ?? ''),
		age: estimated ? String(ageOn(p.dateOfBirth!, today)) : '',
		sex: p.sex ?? '',
		phone: p.phone ?? '',
		email: p.email ?? '',
		address: p.address,
		nationalId: p.nationalId ?? '',
		externalRef: p.externalRef ?? '',
		allergies: p.allergies,
		chronicConditions: p.chronicConditions,
		emergencyContactName: p.emergencyContactName,
		emergencyContactPhone: p.emergencyContactPhone ?? '',
		preferredLanguage: p.preferredLanguage
	};
}

export function resultOf(
	p: Pick<PatientSummary, 'id' | 'refNo' | 'name' | 'dateOfBirth' | 'sex' | 'phone'>,
	code: string,
	today: string,
	href: string
): SearchResult {
	return { id: p.id, ref: formatRef(code, 'P', p.refNo), name: p.name, details: ageSex(p, today), phone: p.phone, href };
}
