import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/queue/policy';
import { createDisplayKey, listDisplayKeys, revokeDisplayKey } from '$lib/server/queue/displayKeys';
import type { Actions, PageServerLoad } from './$types';

async function admin(event: Parameters<PageServerLoad>[0] | Parameters<Actions[string]>[0]) {
	const access = await requireClinic(event, event.params.clinic ?? '');
	if (!can(access.ctx.actor, 'displayKey.manage')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	return access;
}

export const load: PageServerLoad = async (event) => {
	const { ctx } = await admin(event);
	const { db } = await getDatabase();
	return { keys: await listDisplayKeys(db, ctx) };
};

export const actions: Actions = {
	create: async (event) => {
		const { ctx } = await admin(event);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			const created = await createDisplayKey(db, ctx, { name: values.name });
			// The key leaves the server this once, inside the kiosk link.
			return { created: { name: created.name, link: `${event.url.origin}/kiosk/${created.key}` } };
		} catch (e) {
			return formFailure(e, values);
		}
	},
	revoke: async (event) => {
		const { ctx } = await admin(event);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await revokeDisplayKey(db, ctx, values.id ?? '');
			return { revoked: true };
		} catch (e) {
			return formFailure(e, values);
		}
	}
};
