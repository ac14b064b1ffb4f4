import type { FormError } from '$lib/server/edge/types';
import { fieldMessagesUnder } from '$lib/components/ui/fieldErrors';

/**
 * The problems of one row of a list editor (a shift `weekly.2`, an exception `exceptions.0`):
 * its messages, shown once under the row, and which of its controls they concern. A message about
 * no control of the row (its weekday) marks the first control, so the row is still found.
 */
export function rowProblems(error: FormError | null | undefined, row: string, controls: readonly string[]) {
	const under = fieldMessagesUnder(error, row);
	const concerns = (control: string) => under.some((f) => f.field === `${row}.${control}` || f.field.startsWith(`${row}.${control}.`));
	const placed = controls.some(concerns);
	return {
		messages: [...new Set(under.map((f) => f.message))],
		at: (control: string) => concerns(control) || (!placed && under.length > 0 && control === controls[0])
	};
}

/** `aria-invalid` and `aria-describedby` (the row's message) for a control the row's problems concern. */
export const rowAria = (invalid: boolean, errorId: string) =>
	invalid ? { 'aria-invalid': 'true' as const, 'aria-describedby': errorId } : { 'aria-invalid': undefined, 'aria-describedby': undefined };
