import { getDatabase } from '$lib/server/db';
import { DESK_FILTERS, deskInvoices, type DeskFilter } from '$lib/server/billing/desk';
import { formatRef } from '$lib/server/tenancy/counters';
import { currencyOf, formatMoney } from '$lib/server/tenancy/money';
import { getLocale } from '$lib/paraglide/runtime';
import { formatLocale } from '$lib/i18n/formatLocale';
import { billingDesk } from './manage';
import type { PageServerLoad } from './$types';

const isFilter = (v: string | null): v is DeskFilter => DESK_FILTERS.some((f) => f === v);

export const load: PageServerLoad = async (event) => {
	const { ctx, clinic: home } = await billingDesk(event);
	const { db } = await getDatabase();
	const asked = event.url.searchParams.get('show');
	const filter: DeskFilter = isFilter(asked) ? asked : 'open';
	const q = (event.url.searchParams.get('q') ?? '').slice(0, 100);
	const invoices = await deskInvoices(db, ctx, filter, q);
	const currency = currencyOf(home);
	const locale = formatLocale(getLocale());
	const day = new Intl.DateTimeFormat(locale, { timeZone: home.timezone, day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });
	return {
		filter,
		q,
		invoices: invoices.map((i) => ({
			...i,
			patientRef: formatRef(home.code, 'P', i.patient.ref),
			totalText: formatMoney(i.total, currency, locale),
			balanceText: formatMoney(i.balance, currency, locale),
			whenText: day.format(new Date(i.issuedAt ?? i.createdAt))
		}))
	};
};
