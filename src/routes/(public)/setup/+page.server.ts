import { redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { isSetupDone } from '$lib/server/tenancy/queries';
import { setupInstallation } from '$lib/server/tenancy/setupInstallation';
import { formFailure, formValues } from '$lib/server/edge';
import { countryOptions, currencyOptions, timezoneOptions } from '$lib/i18n/places';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const { db } = await getDatabase();
	if (await isSetupDone(db)) redirect(303, '/login');
	return { countries: countryOptions(locals.locale), timezones: timezoneOptions(), currencies: currencyOptions(locals.locale) };
};

export const actions: Actions = {
	default: async ({ request }) => {
		const values = await formValues(request);
		const { db } = await getDatabase();
		let adminEmail: string;
		try {
			const result = await setupInstallation(db, {
				clinic: {
					name: values.clinicName,
					code: values.code,
					country: values.country,
					state: values.state,
					city: values.city,
					timezone: values.timezone,
					currency: values.currency
				},
				admin: { name: values.adminName, email: values.email, password: values.password }
			});
			adminEmail = result.admin.email;
		} catch (e) {
			const { password: _omit, ...kept } = values;
			return formFailure(e, kept);
		}
		redirect(303, `/login?setup=1&email=${encodeURIComponent(adminEmail)}`);
	}
};
