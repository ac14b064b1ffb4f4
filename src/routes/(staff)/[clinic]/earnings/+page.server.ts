import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { formValues } from '$lib/server/edge';
import { requireClinic } from '$lib/server/edge/access';
import { doctorEarnings, listDoctorShares, setDoctorShare } from '$lib/server/billing/earnings';
import { can } from '$lib/server/billing/policy';
import { clinicDoctors } from '$lib/server/tenancy/doctors';
import { currencyOf, formatMoney, parseMajorAmount } from '$lib/server/tenancy/money';
import { badRequest } from '$lib/server/errors';
import { errorMessage } from '$lib/i18n/errors';
import { getLocale } from '$lib/paraglide/runtime';
import { formatLocale } from '$lib/i18n/formatLocale';
import { clinicToday } from '$lib/time';
import { refused } from '../billing/manage';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const MAX_AMOUNT = 1_000_000_000_000;

/** Doctors see their own earnings, admins every doctor's; setting shares is the admin's. */
async function earningsAccess(event: Pick<RequestEvent, 'locals' | 'url' | 'params'>, action: 'earnings.view' | 'earnings.manage') {
	const access = await requireClinic(event, event.params.clinic);
	if (!can(access.ctx.actor, action)) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	return access;
}

export const load: PageServerLoad = async (event) => {
	const { ctx, clinic: home } = await earningsAccess(event, 'earnings.view');
	const { db } = await getDatabase();
	const admin = ctx.actor.role === 'admin';
	const doctors = admin ? await clinicDoctors(db, ctx.clinicId) : [];
	const asked = event.url.searchParams.get('month') ?? '';
	// A month typed into the address that is not one shows the current month.
	const month = MONTH.test(asked) ? asked : clinicToday(home.timezone).slice(0, 7);
	const wanted = event.url.searchParams.get('doctor') ?? '';
	const doctorId = admin ? (doctors.find((d) => d.id === wanted) ?? doctors[0])?.id : ctx.actor.userId;
	const locale = formatLocale(getLocale());
	const currency = currencyOf(home);
	const money = (minor: number) => formatMoney(minor, currency, locale);
	const monthName = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(new Date(`${month}-01T00:00:00Z`));
	const dayText = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
	const day = (iso: string) => dayText.format(new Date(`${iso}T00:00:00Z`));
	if (!doctorId) return { month, monthName, admin, doctors, doctorId: null, earnings: null, shares: [], currency, today: clinicToday(home.timezone) };
	const [earnings, shares] = await Promise.all([doctorEarnings(db, ctx, { doctorId, month }), listDoctorShares(db, ctx, { doctorId })]);
	const today = clinicToday(home.timezone);
	// The rule that applies today per category: the newest one already started.
	const current = new Set<string>();
	const seen = new Set<string>();
	for (const s of shares.shares)
		if (s.effectiveFrom <= today && !seen.has(s.category)) {
			seen.add(s.category);
			current.add(`${s.category}:${s.effectiveFrom}`);
		}
	return {
		month,
		monthName,
		admin,
		doctors,
		doctorId,
		currency,
		today,
		earnings: {
			totalText: money(earnings.total),
			lines: earnings.lines.map((l) => ({ ...l, dayText: day(l.day), amountText: money(l.amount), shareText: money(l.share) })),
			byCategory: Object.entries(earnings.byCategory)
				.filter(([, v]) => v.amount > 0 || v.share > 0)
				.map(([category, v]) => ({ category, amountText: money(v.amount), shareText: money(v.share) }))
		},
		shares: shares.shares.map((s) => ({
			...s,
			amountText: s.amount === null ? null : money(s.amount),
			fromText: day(s.effectiveFrom),
			current: current.has(`${s.category}:${s.effectiveFrom}`)
		}))
	};
};

export const actions: Actions = {
	share: async (event) => {
		const { ctx, clinic: home } = await earningsAccess(event, 'earnings.manage');
		const v = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			const percent = v.kind === 'percent';
			let value: number;
			if (percent) {
				if (!/^\s*\d{1,3}\s*$/.test(v.value ?? '') || Number(v.value) > 100)
					throw badRequest('A whole percentage from 0 to 100', 'value', v.value?.trim() ? 'share_percent_invalid' : 'field_required');
				value = Number(v.value);
			} else {
				if (!v.value?.trim()) throw badRequest('Write the amount', 'value', 'field_required');
				value = parseMajorAmount(v.value, currencyOf(home), MAX_AMOUNT, 'value');
			}
			await setDoctorShare(db, ctx, {
				doctorId: v.doctorId ?? '',
				category: v.category ?? '',
				...(percent ? { percent: value } : { amount: value }),
				effectiveFrom: v.effectiveFrom || undefined,
				idempotencyKey: v.idempotencyKey
			});
			return { form: 'share', done: true };
		} catch (e) {
			return refused('share', e, v);
		}
	}
};
