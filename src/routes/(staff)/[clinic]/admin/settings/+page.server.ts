import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { can } from '$lib/server/tenancy/policy';
import { updateClinicSettings } from '$lib/server/tenancy/updateClinicSettings';
import { errorMessage } from '$lib/i18n/errors';
import type { Actions, PageServerLoad } from './$types';

async function manageableClinic(event: Parameters<PageServerLoad>[0] | Parameters<Actions[string]>[0]) {
	const access = await requireClinic(event, event.params.clinic ?? '');
	if (!can(access.ctx.actor, 'clinic.manage')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	return access;
}

export const load: PageServerLoad = async (event) => {
	const { clinic } = await manageableClinic(event);
	const region = new Intl.DisplayNames([event.locals.locale, 'en'], { type: 'region', fallback: 'code' });
	const currency = new Intl.DisplayNames([event.locals.locale, 'en'], { type: 'currency', fallback: 'code' });
	return {
		settings: {
			name: clinic.name,
			color: clinic.branding.color ?? '',
			tagline: clinic.branding.tagline ?? '',
			require2fa: clinic.require2fa,
			temperatureUnit: clinic.temperatureUnit,
			nearExpiryDays: String(clinic.nearExpiryDays),
			fiscalYearStartMonth: String(clinic.fiscalYearStartMonth),
			taxNumber: clinic.taxNumber
		},
		// The months by name in the reader's language, for the fiscal year's start.
		months: Array.from({ length: 12 }, (_, i) => ({
			value: String(i + 1),
			label: new Intl.DateTimeFormat([event.locals.locale, 'en'], { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2026, i, 1)))
		})),
		details: {
			code: clinic.code,
			timezone: clinic.timezone,
			currency: `${clinic.currency} · ${currency.of(clinic.currency) ?? clinic.currency}`,
			location: [clinic.city, clinic.state, region.of(clinic.country) ?? clinic.country].filter(Boolean).join(event.locals.locale === 'ur' ? '، ' : ', ')
		}
	};
};

export const actions: Actions = {
	default: async (event) => {
		const { ctx } = await manageableClinic(event);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await updateClinicSettings(db, ctx, {
				name: values.name,
				color: values.color || undefined,
				tagline: values.tagline,
				require2fa: values.require2fa === 'on',
				temperatureUnit: values.temperatureUnit || undefined,
				nearExpiryDays: values.nearExpiryDays?.trim() ? values.nearExpiryDays.trim() : undefined,
				fiscalYearStartMonth: values.fiscalYearStartMonth || undefined,
				taxNumber: values.taxNumber
			});
			return { saved: true };
		} catch (e) {
			return formFailure(e, values);
		}
	}
};
