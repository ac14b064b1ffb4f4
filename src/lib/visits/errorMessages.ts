import { m } from '$lib/paraglide/messages.js';
import type { ErrorSentences } from '$lib/i18n/errors';

/** The visit commands' own error codes; joined with every other domain's in `$lib/i18n/errors`. */
export const visitErrorMessages = {
	visit_open: () => m.visit_error_visit_open(),
	visit_completed: () => m.visit_error_visit_completed(),
	visit_not_completed: () => m.visit_error_visit_not_completed(),
	chart_incomplete: () => m.visit_error_chart_incomplete(),
	attachment_type: () => m.visit_error_attachment_type(),
	attachment_append_only: () => m.visit_error_attachment_append_only(),
	vital_impossible: (p) => m.visit_error_vital_impossible({ min: String(p.min ?? ''), max: String(p.max ?? '') })
} satisfies ErrorSentences;
