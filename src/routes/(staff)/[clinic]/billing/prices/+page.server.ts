import { getDatabase } from '$lib/server/db';
import { formValues } from '$lib/server/edge';
import { can } from '$lib/server/billing/policy';
import { SERVICE_CATEGORIES } from '$lib/server/billing/schema';
import { getPaymentSettings, setPaymentSettings } from '$lib/server/billing/paymentQr';
import { createService, listTaxRules, priceList, setServicePrice, setTaxRule } from '$lib/server/billing/services';
import { clinicDoctors } from '$lib/server/tenancy/doctors';
import { currencyOf, formatMajorAmount, formatMoney, parseMajorAmount, type Currency } from '$lib/server/tenancy/money';
import { readMajorAmount } from '$lib/money';
import { badRequest } from '$lib/server/errors';
import { getLocale } from '$lib/paraglide/runtime';
import { formatLocale } from '$lib/i18n/formatLocale';
import { billingDesk, refused } from '../manage';
import type { Actions, PageServerLoad } from './$types';

const MAX_AMOUNT = 1_000_000_000_000;
/** A tax rate is typed as a percentage with up to two decimals: read as an amount of exponent 2, it is basis points. */
const PERCENT = { code: 'XXX', exponent: 2 };

/** A price typed in major units; blank is not a price (0 is, typed as 0). */
function priceOf(text: string | undefined, currency: Currency): number {
	if (!text?.trim()) throw badRequest('Write the price', 'price', 'field_required');
	return parseMajorAmount(text, currency, MAX_AMOUNT, 'price');
}

/** "17" or "17.5" (%) as basis points; blank is 0, which removes the tax. */
function rateOf(text: string | undefined): number {
	const read = readMajorAmount(text, PERCENT, 10_000);
	if ('problem' in read) throw badRequest('A percentage from 0 to 100 with at most 2 decimals', 'rate', 'tax_rate_invalid');
	return read.minor;
}

export const load: PageServerLoad = async (event) => {
	const { ctx, clinic: home } = await billingDesk(event, 'service.view');
	const { db } = await getDatabase();
	const [list, taxes, doctors, payee] = await Promise.all([
		priceList(db, ctx),
		listTaxRules(db, ctx),
		clinicDoctors(db, ctx.clinicId),
		// Who QR payments go to: the desk reads it, admins set it; doctors and the pharmacy do not see it.
		can(ctx.actor, 'payee.view') ? getPaymentSettings(db, ctx) : null
	]);
	const currency = currencyOf(home);
	const locale = formatLocale(getLocale());
	const day = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
	const doctorName = new Map(doctors.map((d) => [d.id, d.name]));
	return {
		today: list.today,
		services: list.services.map((s) => ({
			...s,
			doctorName: s.doctorId ? (doctorName.get(s.doctorId) ?? '') : '',
			priceText: s.price === null ? null : formatMoney(s.price, currency, locale),
			nextText: s.next ? formatMoney(s.next.price, currency, locale) : null,
			nextDayText: s.next ? day.format(new Date(`${s.next.effectiveFrom}T00:00:00Z`)) : null
		})),
		taxes: SERVICE_CATEGORIES.map((category) => {
			const rule = taxes.find((t) => t.category === category);
			return { category, name: rule?.name ?? '', rate: rule ? formatMajorAmount(rule.rateBasisPoints, PERCENT) : '', inclusive: rule?.inclusive ?? false };
		}),
		doctors,
		currency,
		manage: can(ctx.actor, 'service.manage'),
		payee: payee ? { settings: payee.settings, manage: can(ctx.actor, 'payee.manage') } : null
	};
};

export const actions: Actions = {
	create: async (event) => {
		const { ctx, clinic: home } = await billingDesk(event, 'service.manage');
		const v = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			const consultation = v.category === 'consultation';
			await createService(db, ctx, {
				name: v.name ?? '',
				category: v.category ?? '',
				price: priceOf(v.price, currencyOf(home)),
				effectiveFrom: v.effectiveFrom || undefined,
				doctorId: consultation && v.doctorId ? v.doctorId : undefined,
				visitType: consultation && v.visitType ? v.visitType : undefined,
				idempotencyKey: v.idempotencyKey
			});
			return { form: 'create', done: true, name: v.name };
		} catch (e) {
			return refused('create', e, v);
		}
	},
	price: async (event) => {
		const { ctx, clinic: home } = await billingDesk(event, 'service.manage');
		const v = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await setServicePrice(db, ctx, v.serviceId ?? '', {
				price: priceOf(v.price, currencyOf(home)),
				effectiveFrom: v.effectiveFrom || undefined,
				idempotencyKey: v.idempotencyKey
			});
			return { form: 'price', done: true, serviceId: v.serviceId };
		} catch (e) {
			return refused('price', e, v);
		}
	},
	tax: async (event) => {
		const { ctx } = await billingDesk(event, 'service.manage');
		const v = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await setTaxRule(db, ctx, {
				category: v.category ?? '',
				name: v.name ?? '',
				rateBasisPoints: rateOf(v.rate),
				inclusive: v.inclusive === 'on',
				idempotencyKey: v.idempotencyKey
			});
			return { form: 'tax', done: true, category: v.category };
		} catch (e) {
			return refused('tax', e, v);
		}
	},
	payee: async (event) => {
		const { ctx } = await billingDesk(event, 'payee.manage');
		const v = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await setPaymentSettings(db, ctx, {
				merchantName: v.merchantName ?? '',
				merchantCity: v.merchantCity ?? '',
				account: v.account ?? '',
				accountScheme: v.accountScheme ?? '',
				upiVpa: v.upiVpa ?? ''
			});
			return { form: 'payee', done: true };
		} catch (e) {
			return refused('payee', e, v);
		}
	}
};
