import { getDatabase } from '$lib/server/db';
import { formValues } from '$lib/server/edge';
import { COUNTED_METHODS, closeDay, deskDay } from '$lib/server/billing/dayClose';
import { clinicToday } from '$lib/time';
import { currencyOf, formatMajorAmount, formatMoney, parseMajorAmount } from '$lib/server/tenancy/money';
import { getLocale } from '$lib/paraglide/runtime';
import { formatLocale } from '$lib/i18n/formatLocale';
import { billingDesk, refused } from '../manage';
import type { Actions, PageServerLoad } from './$types';

const MAX_AMOUNT = 1_000_000_000_000;

export const load: PageServerLoad = async (event) => {
	const { ctx, clinic: home } = await billingDesk(event, 'day.close');
	const { db } = await getDatabase();
	const asked = event.url.searchParams.get('day') ?? undefined;
	const today = clinicToday(home.timezone);
	const desk = await deskDay(db, ctx, { day: asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) && asked <= today ? asked : today });
	const currency = currencyOf(home);
	const locale = formatLocale(getLocale());
	const money = (minor: number) => formatMoney(minor, currency, locale);
	const dayText = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(
		new Date(`${desk.day}T00:00:00Z`)
	);
	return {
		day: desk.day,
		today,
		dayText,
		currency,
		rows: COUNTED_METHODS.map((method) => ({
			method,
			expected: desk.expected[method],
			expectedText: money(desk.expected[method]),
			expectedMajor: formatMajorAmount(desk.expected[method], currency),
			countedText: desk.closed ? money(desk.closed.counted[method]) : null,
			difference: desk.closed ? desk.closed.differences[method] : null,
			differenceText: desk.closed ? money(desk.closed.differences[method]) : null
		})),
		closed: desk.closed
			? {
					reason: desk.closed.reason,
					atText: new Intl.DateTimeFormat(locale, { timeZone: home.timezone, hour: 'numeric', minute: '2-digit', day: 'numeric', month: 'short' }).format(
						new Date(desk.closed.at)
					)
				}
			: null
	};
};

export const actions: Actions = {
	close: async (event) => {
		const { ctx, clinic: home } = await billingDesk(event, 'day.close');
		const v = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			const currency = currencyOf(home);
			const counted = Object.fromEntries(COUNTED_METHODS.map((method) => [method, parseMajorAmount(v[method], currency, MAX_AMOUNT, method)]));
			await closeDay(db, ctx, { day: v.day || undefined, counted, reason: v.reason ?? '', idempotencyKey: v.idempotencyKey });
			return { form: 'close', done: true };
		} catch (e) {
			return refused('close', e, v);
		}
	}
};
