import { tick } from 'svelte';
import type { Action } from 'svelte/action';
import type { FieldMessage, FormError } from '$lib/server/edge/types';

/**
 * How every form shows a refusal: each field's message beside its field, all at once. `Field`
 * does this for an `<input>`; any other control (a select, a textarea, a group of radios) spreads
 * `invalidAttributes(error, name, id)` and renders `<FieldError {error} {name} {id} />` after it.
 * `FormAlert` above the form then says only that fields need correcting, and
 * `use:focusFirstInvalid={error}` on the form brings the first marked field into view.
 */

/** Every field problem of a refusal: its `fields`, or the one `field` an error made in the browser names. */
export function fieldMessages(error: FormError | null | undefined): FieldMessage[] {
	if (!error) return [];
	if (error.fields && error.fields.length > 0) return error.fields;
	return error.field ? [{ field: error.field, code: error.code, message: error.message }] : [];
}

/** The message for the field named `name` (a dotted path for nested input: `weekly.0.end`), or null. */
export function fieldMessage(error: FormError | null | undefined, name: string): string | null {
	return fieldMessages(error).find((f) => f.field === name)?.message ?? null;
}

/** The messages of the fields inside `prefix` (a row of a list: `weekly.2` holds `weekly.2.end`). */
export function fieldMessagesUnder(error: FormError | null | undefined, prefix: string): FieldMessage[] {
	return fieldMessages(error).filter((f) => f.field === prefix || f.field.startsWith(`${prefix}.`));
}

/** The id of the message shown under the control whose id is `id`. */
export const errorIdOf = (id: string) => `${id}-error`;

/** `aria-invalid` and `aria-describedby` (the hint, then the message) for a control with this id. */
export function invalidAttributes(error: FormError | null | undefined, name: string, id: string, hintId?: string) {
	const invalid = fieldMessage(error, name) !== null;
	const describedBy = [hintId ?? '', invalid ? errorIdOf(id) : ''].filter(Boolean).join(' ');
	return { 'aria-invalid': invalid ? ('true' as const) : undefined, 'aria-describedby': describedBy || undefined };
}

/** The same refusal with its fields named as the form names its boxes (setup sends `clinic.code` from a box named `code`). */
export function renameFields(error: FormError | null | undefined, rename: (field: string) => string): FormError | null {
	if (!error) return null;
	return {
		...error,
		...(error.field ? { field: rename(error.field) } : {}),
		...(error.fields ? { fields: error.fields.map((f) => ({ ...f, field: rename(f.field) })) } : {})
	};
}

/**
 * On a form: whenever a new refusal arrives, scroll the first control marked invalid into view
 * and focus it, so on a long form the person lands on what to fix (its message is read with it).
 */
export const focusFirstInvalid: Action<HTMLElement, unknown> = (node, error) => {
	const focus = (current: unknown) => {
		if (!current) return;
		void tick().then(() => {
			const first = node.querySelector<HTMLElement>('[aria-invalid="true"]');
			if (!first) return;
			first.scrollIntoView({ block: 'center' });
			first.focus({ preventScroll: true });
		});
	};
	focus(error);
	return { update: focus };
};
