import { fail } from '@sveltejs/kit';
import { isAppError } from '$lib/server/errors';
import { formFailure } from '$lib/server/edge';
import { m } from '$lib/paraglide/messages.js';

/**
 * A change-password failure, worded for this form: the shared codes say "wrong email or
 * password" and "not valid", which would not tell the person what to fix here.
 */
export function passwordFailure(e: unknown, values: Record<string, string>) {
	if (isAppError(e) && e.field === 'currentPassword' && e.code === 'invalid_credentials') {
		return fail(400, { error: { code: e.code, message: m.account_password_current_wrong(), field: e.field }, values });
	}
	if (isAppError(e) && e.field === 'newPassword' && e.code === 'field_invalid') {
		return fail(400, { error: { code: e.code, message: m.account_password_same(), field: e.field }, values });
	}
	return formFailure(e, values);
}
