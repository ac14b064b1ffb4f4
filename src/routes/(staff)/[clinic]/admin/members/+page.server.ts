import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { can } from '$lib/server/tenancy/policy';
import { listMembers } from '$lib/server/tenancy/queries';
import { addMember } from '$lib/server/tenancy/members';
import { errorMessage } from '$lib/i18n/errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { clinic, ctx } = await requireClinic(event, event.params.clinic);
	if (!can(ctx.actor, 'members.view')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const { db } = await getDatabase();
	const members = await listMembers(db, clinic.id);
	return {
		members: members.map(({ userId, name, email, role, status, twoFactorEnabled, invited }) => ({
			userId,
			name,
			email,
			role,
			status,
			twoFactorEnabled,
			invited
		})),
		canManage: can(ctx.actor, 'members.manage'),
		removed: event.url.searchParams.has('removed')
	};
};

export const actions: Actions = {
	add: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const { password, ...kept } = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			const added = await addMember(db, ctx, { ...kept, password: password || undefined });
			return { added: { name: added.name, role: added.role, newAccount: added.newAccount, invited: added.invited } };
		} catch (e) {
			return formFailure(e, kept);
		}
	}
};
