import { m } from '$lib/paraglide/messages.js';
import type { ErrorSentences } from '$lib/i18n/errors';

/** The referral commands' own error codes; joined with every other domain's in `$lib/i18n/errors`. */
export const referralErrorMessages = {
	referral_clinic_invalid: () => m.referral_error_clinic_invalid(),
	referral_doctor_invalid: () => m.referral_error_doctor_invalid(),
	referral_state: () => m.referral_error_state()
} satisfies ErrorSentences;
