import { m } from '$lib/paraglide/messages.js';
import type { ErrorSentences } from '$lib/i18n/errors';

/** The tenancy commands' own error codes; joined with every other domain's in `$lib/i18n/errors`. */
export const adminErrorMessages = {
	member_in_other_clinic: () => m.error_member_in_other_clinic(),
	own_two_factor_required: () => m.error_own_two_factor_required(),
	own_two_factor_reset: () => m.error_own_two_factor_reset(),
	two_factor_off: () => m.error_two_factor_off(),
	amount_too_large: (p) => m.error_amount_too_large({ max: String(p.max ?? '') }),
	color_invalid: () => m.error_color_invalid(),
	clinic_code_invalid: (p) => m.error_clinic_code_invalid({ min: String(p.min ?? 3), max: String(p.max ?? 8) }),
	password_length: (p) => m.error_password_length({ min: String(p.min ?? 10), max: String(p.max ?? 200) }),
	amount_invalid: (p) =>
		Number(p.digits ?? 0) === 0
			? m.error_amount_invalid_whole()
			: m.error_amount_invalid_decimals({ digits: String(p.digits), example: String(p.example ?? '') })
} satisfies ErrorSentences;
