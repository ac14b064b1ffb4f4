import { m } from '$lib/paraglide/messages.js';
import type { EdgeErrorCode, ErrorCode } from '$lib/server/errors';
import { adminErrorMessages } from '$lib/components/admin/errorMessages';
import { patientErrorMessages } from '$lib/components/patients/errorMessages';
import { pharmacyErrorMessages } from '$lib/components/pharmacy/errorMessages';
import { billingErrorMessages } from '$lib/components/billing/errorMessages';
import { prescribingErrorMessages } from '$lib/components/prescribing/errorMessages';
import { queueErrorMessages } from '$lib/components/queue/errorMessages';
import { referralErrorMessages } from '$lib/components/referrals/errorMessages';
import { schedulingErrorMessages } from '$lib/components/scheduling/errorMessages';
import { visitErrorMessages } from '$lib/visits/errorMessages';

export type WordedCode = ErrorCode | EdgeErrorCode;
export type ErrorParams = Record<string, string | number | undefined>;
/** The sentence for one code, in the current request's language, built from paraglide messages. */
export type ErrorSentence = (p: ErrorParams) => string;
/** Some codes' sentences: each feature words its own codes in `components/<feature>/errorMessages.ts`. */
export type ErrorSentences = { [C in WordedCode]?: ErrorSentence };

/** The codes every part of the app raises (input, sign-in, access, the edges). */
export const commonErrorMessages = {
	bad_request: () => m.error_bad_request(),
	invalid_input: () => m.error_invalid_input(),
	invalid_json: () => m.error_invalid_json(),
	field_required: () => m.error_field_required(),
	field_too_short: (p) => m.error_field_too_short({ min: String(p.min ?? '') }),
	field_too_long: (p) => m.error_field_too_long({ max: String(p.max ?? '') }),
	field_too_small: (p) => m.error_field_too_small({ min: String(p.min ?? '') }),
	field_too_large: (p) => m.error_field_too_large({ max: String(p.max ?? '') }),
	// Text the database cannot store keeps the code clients already know, with a sentence that says what is wrong.
	field_invalid: (p) => (p.reason === 'text' ? m.error_invalid_text() : m.error_field_invalid()),
	email_invalid: () => m.error_email_invalid(),
	phone_invalid: () => m.error_phone_invalid(),
	date_invalid: (p) => m.error_date_invalid({ from: String(p.from ?? ''), to: String(p.to ?? '') }),
	time_invalid: () => m.error_time_invalid(),
	instant_invalid: (p) => m.error_instant_invalid({ from: String(p.from ?? ''), to: String(p.to ?? '') }),
	choice_invalid: () => m.error_choice_invalid(),
	id_invalid: () => m.error_id_invalid(),
	unauthenticated: () => m.error_unauthenticated(),
	invalid_credentials: () => m.error_invalid_credentials(),
	totp_required: () => m.error_totp_required(),
	totp_invalid: () => m.error_totp_invalid(),
	two_factor_setup_required: () => m.error_two_factor_setup_required(),
	two_factor_required: () => m.error_two_factor_required(),
	password_change_required: () => m.error_password_change_required(),
	forbidden: () => m.error_forbidden(),
	not_found: () => m.error_not_found(),
	conflict: () => m.error_conflict(),
	already_setup: () => m.error_already_setup(),
	setup_required: () => m.error_setup_required(),
	email_taken: () => m.error_email_taken(),
	clinic_code_taken: () => m.error_clinic_code_taken(),
	already_member: () => m.error_already_member(),
	already_joined: () => m.error_already_joined(),
	invitation_unknown: () => m.error_invitation_unknown(),
	invitation_used: () => m.error_invitation_used(),
	invitation_expired: () => m.error_invitation_expired(),
	passwords_differ: () => m.error_passwords_differ(),
	last_admin: () => m.error_last_admin(),
	rate_limited: (p) => m.error_rate_limited({ seconds: String(p.seconds ?? '') }),
	payload_too_large: () => m.error_payload_too_large(),
	cross_site_request: () => m.error_cross_site_request(),
	account_suspended: () => m.error_account_suspended(),
	idempotency_key_required: () => m.error_idempotency_key_required(),
	idempotency_key_reused: () => m.error_idempotency_key_reused(),
	method_not_allowed: () => m.api_error_method_not_allowed(),
	unsupported_media_type: () => m.api_error_unsupported_media_type(),
	internal: () => m.error_internal()
} satisfies ErrorSentences;

/**
 * Every code's sentence, whichever domain raises it (a merge may be refused with the queue's
 * `doctor_busy`). A code of `ErrorCode` without a sentence here does not compile; a message
 * without its Urdu fails `node scripts/messages.mjs check`; `errors.test.ts` catches Urdu
 * copied from English.
 */
export const errorSentences: Record<WordedCode, ErrorSentence> = {
	...commonErrorMessages,
	...adminErrorMessages,
	...patientErrorMessages,
	...queueErrorMessages,
	...referralErrorMessages,
	...pharmacyErrorMessages,
	...billingErrorMessages,
	...schedulingErrorMessages,
	...visitErrorMessages,
	...prescribingErrorMessages
};

/** The translated sentence for an error code, in the current request's language. */
export function errorMessage(code: WordedCode, params: ErrorParams = {}): string {
	return errorSentences[code](params);
}
