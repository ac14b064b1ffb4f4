import { error, redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { formFailure, formValues } from '$lib/server/edge';
import { createClinic } from '$lib/server/tenancy/createClinic';
import { activeMemberships } from '$lib/server/tenancy/queries';
import { can } from '$lib/server/tenancy/policy';
import { countryOptions, currencyOptions, timezoneOptions } from '$lib/i18n/places';
import { errorMessage } from '$lib/i18n/errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, parent }) => {
	const { user, current } = await parent();
	const { db } = await getDatabase();
	const memberships = await activeMemberships(db, user.id);
	if (!memberships.some((m) => can({ userId: user.id, role: m.role }, 'branch.create'))) {
		error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	}
	return {
		countries: countryOptions(locals.locale),
		timezones: timezoneOptions(),
		currencies: currencyOptions(locals.locale),
		// A branch is usually in the same country and time zone, and charges in the same currency.
		defaults: { country: current?.country ?? 'PK', timezone: current?.timezone ?? 'Asia/Karachi', currency: current?.currency ?? 'PKR' }
	};
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const user = locals.user;
		if (!user) error(401, { message: errorMessage('unauthenticated'), code: 'unauthenticated' });
		const values = await formValues(request);
		const { db } = await getDatabase();
		let code: string;
		try {
			const created = await createClinic(
				db,
				user.id,
				{
					name: values.name,
					code: values.code,
					country: values.country,
					state: values.state,
					city: values.city,
					timezone: values.timezone,
					currency: values.currency
				},
				{ fromClinicId: locals.session?.activeClinicId }
			);
			code = created.code;
		} catch (e) {
			return formFailure(e, values);
		}
		redirect(303, `/${code}`);
	}
};
