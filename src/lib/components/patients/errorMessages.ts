import { m } from '$lib/paraglide/messages.js';
import { registerErrorMessages } from '$lib/i18n/errors';

/** The patient commands' own error codes; imported for its effect by the patient routes' server files. */
registerErrorMessages({
	possible_duplicate: () => m.error_possible_duplicate(),
	file_too_large: (p) => m.error_file_too_large({ max: String(p.max ?? 10) }),
	file_type: () => m.error_file_type()
});
