import { m } from '$lib/paraglide/messages.js';
import type { ErrorSentences } from '$lib/i18n/errors';

/** The tenancy commands' own error codes; joined with every other domain's in `$lib/i18n/errors`. */
export const adminErrorMessages = {
	member_in_other_clinic: () => m.error_member_in_other_clinic(),
	own_two_factor_required: () => m.error_own_two_factor_required(),
	own_two_factor_reset: () => m.error_own_two_factor_reset(),
	two_factor_off: () => m.error_two_factor_off(),
	amount_too_large: (p) => m.error_amount_too_large({ max: String(p.max ?? '') }),
	color_invalid: () => m.error_color_invalid()
} satisfies ErrorSentences;
