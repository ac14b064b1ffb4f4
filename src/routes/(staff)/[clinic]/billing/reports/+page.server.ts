import { getDatabase } from '$lib/server/db';
import { AppError } from '$lib/server/errors';
import { revenueReport } from '$lib/server/billing/reports';
import { formatMoney } from '$lib/server/tenancy/money';
import { translatedError } from '$lib/server/edge';
import { getLocale } from '$lib/paraglide/runtime';
import { formatLocale } from '$lib/i18n/formatLocale';
import { clinicToday } from '$lib/time';
import { billingDesk } from '../manage';
import type { PageServerLoad } from './$types';

/** More days than this are drawn by month. */
const DAILY_UP_TO = 62;

export const load: PageServerLoad = async (event) => {
	const { ctx, clinic: home } = await billingDesk(event, 'report.view');
	const { db } = await getDatabase();
	const today = clinicToday(home.timezone);
	const asked = { from: event.url.searchParams.get('from') ?? `${today.slice(0, 7)}-01`, to: event.url.searchParams.get('to') ?? today };
	let report: Awaited<ReturnType<typeof revenueReport>>;
	let error: ReturnType<typeof translatedError> | null = null;
	try {
		report = await revenueReport(db, ctx, asked);
	} catch (e) {
		// A period that is not one (typed into the address, or to before from) is said, and this month shown.
		if (!(e instanceof AppError) || e.status !== 400) throw e;
		error = translatedError(e);
		report = await revenueReport(db, ctx, { from: `${today.slice(0, 7)}-01`, to: today });
	}
	const locale = formatLocale(getLocale());
	const money = (minor: number) => formatMoney(minor, report.currency, locale);
	const dayText = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', day: 'numeric', month: 'short' });
	const monthText = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'short', year: 'numeric' });
	const fullDay = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
	const byMonth = report.byDay.length > DAILY_UP_TO;
	const periods = new Map<string, { key: string; label: string; invoiced: number; collected: number }>();
	for (const d of report.byDay) {
		const key = byMonth ? d.day.slice(0, 7) : d.day;
		const label = byMonth ? monthText.format(new Date(`${key}-01T00:00:00Z`)) : dayText.format(new Date(`${key}T00:00:00Z`));
		const p = periods.get(key) ?? { key, label, invoiced: 0, collected: 0 };
		p.invoiced += d.invoiced;
		p.collected += d.collected;
		periods.set(key, p);
	}
	return {
		error,
		from: report.from,
		to: report.to,
		fromText: fullDay.format(new Date(`${report.from}T00:00:00Z`)),
		toText: fullDay.format(new Date(`${report.to}T00:00:00Z`)),
		byMonth,
		totals: {
			invoices: report.totals.invoices,
			...Object.fromEntries(Object.entries(report.totals).flatMap(([k, v]) => (k === 'invoices' ? [] : [[k, money(v)]])))
		} as Record<'invoiced' | 'discounts' | 'tax' | 'collected' | 'refunded' | 'credited' | 'outstanding', string> & { invoices: number },
		bars: [...periods.values()].map((p) => ({ ...p, invoicedText: money(p.invoiced), collectedText: money(p.collected) })),
		byDoctor: report.byDoctor.map((d) => ({ ...d, amountText: money(d.amount) })),
		byCategory: report.byCategory.filter((c) => c.amount !== 0).map((c) => ({ ...c, amountText: money(c.amount) })),
		byMethod: report.byMethod.filter((x) => x.amount !== 0).map((x) => ({ ...x, amountText: money(x.amount) })),
		byAge: report.outstandingByAge.map((a) => ({ ...a, amountText: money(a.amount) })),
		csv: `/api/v1/clinics/${home.code}/reports/revenue.csv?from=${report.from}&to=${report.to}`,
		pdf: `/api/v1/clinics/${home.code}/reports/revenue.pdf?from=${report.from}&to=${report.to}`
	};
};
