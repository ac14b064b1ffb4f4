import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { can } from '$lib/server/tenancy/policy';
import { findMember } from '$lib/server/tenancy/queries';
import { changeMemberRole, resetMemberPassword, setMemberStatus } from '$lib/server/tenancy/members';
import { updateDoctorProfile } from '$lib/server/tenancy/updateDoctorProfile';
import { resetMemberTwoFactor } from '$lib/server/tenancy/resetMemberTwoFactor';
import { badRequest } from '$lib/server/errors';
import { doctorProfileFromForm, doctorProfileView } from '$lib/server/tenancy/doctorProfileForm';
import { currencyOf } from '$lib/server/tenancy/money';
import { errorMessage } from '$lib/i18n/errors';
import { listRooms } from '$lib/server/queue/rooms';
import { resendInvitation } from '$lib/server/tenancy/invitations';
import type { Actions, PageServerLoad } from './$types';

function notFound(): never {
	error(404, { message: errorMessage('not_found'), code: 'not_found' });
}

/** The clinic access and the member the URL names; a malformed id is simply not found. */
async function memberOf(event: Pick<RequestEvent<{ clinic: string; userId: string }>, 'locals' | 'url' | 'params'>) {
	const access = await requireClinic(event, event.params.clinic);
	const userId = z.uuid().safeParse(event.params.userId);
	if (!userId.success) notFound();
	const { db } = await getDatabase();
	const member = await findMember(db, access.clinic.id, userId.data);
	if (!member) notFound();
	return { ...access, db, member };
}

export const load: PageServerLoad = async (event) => {
	const { clinic, ctx, db, member } = await memberOf(event);
	if (!can(ctx.actor, 'members.view')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	return {
		member: {
			userId: member.userId,
			name: member.name,
			email: member.email,
			role: member.role,
			status: member.status,
			twoFactorEnabled: member.twoFactorEnabled,
			invited: member.invited
		},
		doctor: member.role === 'doctor' ? doctorProfileView(member, currencyOf(clinic), event.locals.locale, await listRooms(db, clinic.id)) : null,
		canManage: can(ctx.actor, 'members.manage'),
		isSelf: member.userId === ctx.actor.userId,
		requires2fa: clinic.require2fa,
		canEditProfile: can(ctx.actor, 'doctorProfile.edit', member.userId)
	};
};

export const actions: Actions = {
	role: async (event) => {
		const { ctx, db, member } = await memberOf(event);
		const values = await formValues(event.request);
		try {
			const changed = await changeMemberRole(db, ctx, member.userId, { role: values.role });
			return { done: 'role' as const, role: changed.role };
		} catch (e) {
			return formFailure(e, { form: 'role' });
		}
	},
	suspend: async (event) => {
		const { ctx, db, member } = await memberOf(event);
		try {
			await setMemberStatus(db, ctx, member.userId, 'suspended');
			return { done: 'suspend' as const };
		} catch (e) {
			return formFailure(e, { form: 'access' });
		}
	},
	reactivate: async (event) => {
		const { ctx, db, member } = await memberOf(event);
		try {
			await setMemberStatus(db, ctx, member.userId, 'active');
			return { done: 'reactivate' as const };
		} catch (e) {
			return formFailure(e, { form: 'access' });
		}
	},
	reset: async (event) => {
		const { ctx, db, member } = await memberOf(event);
		const values = await formValues(event.request);
		try {
			await resetMemberPassword(db, ctx, member.userId, { password: values.password });
			return { done: 'reset' as const };
		} catch (e) {
			return formFailure(e, { form: 'reset' });
		}
	},
	invite: async (event) => {
		const { ctx, db, member } = await memberOf(event);
		try {
			await resendInvitation(db, ctx, member.userId);
			return { done: 'invite' as const };
		} catch (e) {
			return formFailure(e, { form: 'invite' });
		}
	},
	/** Needs the admin's confirmation that they checked who is asking: a reset is how an impostor would get in. */
	resetTwoFactor: async (event) => {
		const { ctx, db, member } = await memberOf(event);
		const values = await formValues(event.request);
		try {
			if (values.confirm !== 'yes') throw badRequest('Confirm that you checked who is asking', 'confirm', 'field_required');
			await resetMemberTwoFactor(db, ctx, member.userId);
			return { done: 'resetTwoFactor' as const };
		} catch (e) {
			return formFailure(e, { form: 'twoFactor' });
		}
	},
	remove: async (event) => {
		const { clinic, ctx, db, member } = await memberOf(event);
		try {
			await setMemberStatus(db, ctx, member.userId, 'removed');
		} catch (e) {
			return formFailure(e, { form: 'remove' });
		}
		// Someone who removed themselves can no longer see the staff list.
		redirect(303, member.userId === ctx.actor.userId ? '/' : `/${clinic.code}/admin/members?removed=1`);
	},
	profile: async (event) => {
		const { clinic, ctx, db, member } = await memberOf(event);
		const values = await formValues(event.request);
		try {
			await updateDoctorProfile(db, ctx, member.userId, doctorProfileFromForm(values, currencyOf(clinic)));
			return { done: 'profile' as const };
		} catch (e) {
			return formFailure(e, { ...values, form: 'profile' });
		}
	}
};
