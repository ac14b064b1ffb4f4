import { m } from '$lib/paraglide/messages.js';
import type { ErrorSentences } from '$lib/i18n/errors';

/** The scheduling commands' own error codes; joined with every other domain's in `$lib/i18n/errors`. */
export const schedulingErrorMessages = {
	slot_taken: () => m.error_slot_taken(),
	outside_schedule: () => m.error_outside_schedule(),
	in_the_past: () => m.error_in_the_past(),
	invalid_transition: () => m.error_invalid_transition(),
	too_early: () => m.error_too_early(),
	no_free_slot: () => m.error_no_free_slot(),
	offer_not_open: () => m.error_offer_not_open(),
	too_far_ahead: (p) => m.error_too_far_ahead({ days: String(p.days ?? '') }),
	booking_limit: (p) => m.error_booking_limit({ count: String(p.count ?? '') }),
	clinic_not_linked: () => m.error_clinic_not_linked()
} satisfies ErrorSentences;
