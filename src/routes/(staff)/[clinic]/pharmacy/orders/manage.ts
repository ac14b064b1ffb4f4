import { error, fail } from '@sveltejs/kit';
import type { RequestEvent } from '@sveltejs/kit';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/pharmacy/policy';

/** The purchasing screens are the pharmacy's and the administrator's: anyone else is 403. */
export async function purchasing(event: Pick<RequestEvent, 'locals' | 'url' | 'params'>) {
	const access = await requireClinic(event, (event.params as { clinic?: string }).clinic ?? '');
	if (!can(access.ctx.actor, 'supplier.manage')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	return access;
}

/** A refusal of one of the page's forms, named so the page shows it beside that form. */
export function refused(form: string, e: unknown, values: Record<string, string>) {
	const failure = formFailure(e, values);
	return fail(failure.status, { ...failure.data, form });
}
