import { m } from '$lib/paraglide/messages.js';
import type { ErrorSentences } from '$lib/i18n/errors';

/** The queue commands' own error codes; joined with every other domain's in `$lib/i18n/errors`. */
export const queueErrorMessages = {
	already_in_queue: () => m.queue_error_already_in_queue(),
	queue_empty: () => m.queue_error_queue_empty(),
	doctor_busy: () => m.queue_error_doctor_busy(),
	not_today: () => m.queue_error_not_today(),
	token_state: () => m.queue_error_invalid_transition(),
	room_name_taken: () => m.queue_error_room_name_taken(),
	room_archived: () => m.queue_error_room_archived(),
	patient_merged: () => m.queue_error_patient_merged()
} satisfies ErrorSentences;
