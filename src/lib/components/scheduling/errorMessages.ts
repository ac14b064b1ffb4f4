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
	clinic_not_linked: () => m.error_clinic_not_linked(),
	type_minutes_invalid: () => m.error_type_minutes_invalid(),
	appointment_type_name_taken: () => m.error_appointment_type_name_taken(),
	appointment_type_archived: () => m.error_appointment_type_archived(),
	series_clashes: () => m.error_series_clashes(),
	doctor_off: () => m.error_doctor_off(),
	clinic_closed: () => m.error_clinic_closed(),
	// The editor checks the same rules before sending, in the same words (`schedule.ts`).
	time_order: () => m.availability_error_order(),
	break_outside_hours: () => m.availability_error_break(),
	shifts_overlap: () => m.availability_error_overlap(),
	exception_date_taken: () => m.availability_error_duplicate_date(),
	hours_or_day_off: () => m.error_hours_or_day_off(),
	closure_in_past: () => m.error_closure_in_past(),
	day_has_appointments: (p) => m.error_day_has_appointments({ count: String(p.count ?? '') })
} satisfies ErrorSentences;
