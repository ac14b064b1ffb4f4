import { error, fail } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/queue/policy';
import { createRoom, listRooms, updateRoom } from '$lib/server/queue/rooms';
import type { Actions, PageServerLoad } from './$types';

async function admin(event: Parameters<PageServerLoad>[0] | Parameters<Actions[string]>[0]) {
	const access = await requireClinic(event, event.params.clinic ?? '');
	if (!can(access.ctx.actor, 'room.manage')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	return access;
}

export const load: PageServerLoad = async (event) => {
	const { ctx } = await admin(event);
	const { db } = await getDatabase();
	return { rooms: await listRooms(db, ctx.clinicId) };
};

/** One room command per action; the form that failed gets its error and what was typed back. */
async function run(event: Parameters<Actions[string]>[0], form: string, change: (values: Record<string, string>) => Promise<unknown>) {
	await admin(event);
	const values = await formValues(event.request);
	try {
		await change(values);
		return { form, saved: true };
	} catch (e) {
		const failure = formFailure(e, values);
		return fail(failure.status, { ...failure.data, form });
	}
}

export const actions: Actions = {
	create: (event) =>
		run(event, 'create', async (v) => {
			const { ctx } = await admin(event);
			const { db } = await getDatabase();
			await createRoom(db, ctx, { name: v.name });
		}),
	rename: (event) =>
		run(event, 'rename', async (v) => {
			const { ctx } = await admin(event);
			const { db } = await getDatabase();
			await updateRoom(db, ctx, v.id ?? '', { name: v.name });
		}),
	archive: (event) =>
		run(event, 'archive', async (v) => {
			const { ctx } = await admin(event);
			const { db } = await getDatabase();
			await updateRoom(db, ctx, v.id ?? '', { archived: v.archived === 'true' });
		})
};
