import { error, fail } from '@sveltejs/kit';
import { getDatabase, type Db } from '$lib/server/db';
import type { ClinicContext } from '$lib/server/tenancy/context';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/scheduling/policy';
import { createAppointmentType, listAppointmentTypes, updateAppointmentType } from '$lib/server/scheduling/appointmentTypes';
import type { Actions, PageServerLoad } from './$types';

async function admin(event: Parameters<PageServerLoad>[0] | Parameters<Actions[string]>[0]) {
	const access = await requireClinic(event, event.params.clinic ?? '');
	if (!can(access.ctx.actor, 'appointmentType.manage')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	return access;
}

export const load: PageServerLoad = async (event) => {
	const { ctx } = await admin(event);
	const { db } = await getDatabase();
	return { types: await listAppointmentTypes(db, ctx) };
};

type Form = 'create' | 'update' | 'archive';

/** What each form asks of the domain, from the boxes it sent. */
function command(form: Form, db: Db, ctx: ClinicContext, v: Record<string, string>) {
	if (form === 'create') return createAppointmentType(db, ctx, { name: v.name, minutes: v.minutes, color: v.color });
	if (form === 'update') return updateAppointmentType(db, ctx, v.id ?? '', { name: v.name, minutes: v.minutes, color: v.color });
	return updateAppointmentType(db, ctx, v.id ?? '', { archived: v.archived === 'true' });
}

/** One type command per action; the form that failed (and, for a row, its type) gets its error and what was typed back. */
async function run(event: Parameters<Actions[string]>[0], form: Form) {
	const { ctx } = await admin(event);
	const values = await formValues(event.request);
	const { db } = await getDatabase();
	try {
		await command(form, db, ctx, values);
		return { form, id: values.id ?? null, saved: true };
	} catch (e) {
		const failure = formFailure(e, values);
		return fail(failure.status, { ...failure.data, form, id: values.id ?? null });
	}
}

export const actions: Actions = {
	create: (event) => run(event, 'create'),
	update: (event) => run(event, 'update'),
	archive: (event) => run(event, 'archive')
};
