import { error, fail } from '@sveltejs/kit';
import type { RequestEvent } from '@sveltejs/kit';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can, type BillingAction } from '$lib/server/billing/policy';

/**
 * The billing screens are the desk's and the administrator's (`invoice.view`): anyone else is
 * 403. A form action names its own action (a refund needs `payment.refund`), and the command
 * asks again.
 */
export async function billingDesk(event: Pick<RequestEvent, 'locals' | 'url' | 'params'>, action: BillingAction = 'invoice.view') {
	const access = await requireClinic(event, (event.params as { clinic?: string }).clinic ?? '');
	if (!can(access.ctx.actor, action)) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	return access;
}

/** A refusal of one of the page's forms, named so the page shows it beside that form. */
export function refused(form: string, e: unknown, values: Record<string, string>) {
	const failure = formFailure(e, values);
	return fail(failure.status, { ...failure.data, form });
}
