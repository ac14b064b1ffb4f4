import { m } from '$lib/paraglide/messages.js';
import type { ErrorSentences } from '$lib/i18n/errors';

/** The patient commands' own error codes; joined with every other domain's in `$lib/i18n/errors`. */
export const patientErrorMessages = {
	possible_duplicate: () => m.error_possible_duplicate(),
	birth_date_in_future: () => m.error_birth_date_in_future(),
	age_out_of_range: (p) => m.error_age_out_of_range({ min: String(p.min ?? ''), max: String(p.max ?? '') }),
	file_too_large: (p) => m.error_file_too_large({ max: String(p.max ?? 10) }),
	file_type: () => m.error_file_type(),
	storage_unavailable: () => m.error_storage_unavailable(),
	link_code_invalid: () => m.error_link_code_invalid(),
	link_code_expired: () => m.error_link_code_expired(),
	link_code_used: () => m.error_link_code_used(),
	patient_already_linked: () => m.error_patient_already_linked(),
	account_linked_here: () => m.error_account_linked_here(),
	patient_not_linked: () => m.error_patient_not_linked(),
	icd10_code_unknown: () => m.error_icd10_code_unknown()
} satisfies ErrorSentences;
