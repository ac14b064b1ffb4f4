import { and, eq } from 'drizzle-orm';
import { getDatabase } from '$lib/server/db';
import { patient } from '$lib/server/db/schema';
import { formValues } from '$lib/server/edge';
import { getInvoice, issueInvoice, voidInvoice } from '$lib/server/billing/invoices';
import { createCreditNote, patientCreditBalance, recordPayment, refundPayment } from '$lib/server/billing/payments';
import { can, type BillingAction } from '$lib/server/billing/policy';
import { invoicePaymentQr } from '$lib/server/billing/paymentQr';
import { AppError } from '$lib/server/errors';
import { formatRef } from '$lib/server/tenancy/counters';
import { currencyOf, formatMajorAmount, formatMoney, parseMajorAmount, type Currency } from '$lib/server/tenancy/money';
import { getLocale } from '$lib/paraglide/runtime';
import { formatLocale } from '$lib/i18n/formatLocale';
import { billingDesk, refused } from '../manage';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const MAX_AMOUNT = 1_000_000_000_000;

export const load: PageServerLoad = async (event) => {
	const { ctx, clinic: home } = await billingDesk(event);
	const { db } = await getDatabase();
	const invoice = await getInvoice(db, ctx, event.params.id);
	const [who] = await db
		.select({ name: patient.name, refNo: patient.refNo, phone: patient.phone })
		.from(patient)
		.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, invoice.patientId)));
	const credit = await patientCreditBalance(db, ctx.clinicId, invoice.patientId);
	const currency = currencyOf(home);
	const locale = formatLocale(getLocale());
	const money = (minor: number) => formatMoney(minor, currency, locale);
	const when = new Intl.DateTimeFormat(locale, {
		timeZone: home.timezone,
		day: 'numeric',
		month: 'short',
		year: 'numeric',
		hour: 'numeric',
		minute: '2-digit'
	});
	// What is left of each payment to give back: its amount less what went to credit and earlier refunds.
	const refunded = new Map<string, number>();
	for (const p of invoice.payments) if (p.refundOf) refunded.set(p.refundOf, (refunded.get(p.refundOf) ?? 0) - p.amount);
	const allowed = (action: BillingAction) => can(ctx.actor, action);
	return {
		qr: allowed('payee.view') ? await qrOf(db, ctx, invoice) : null,
		invoice: {
			...invoice,
			text: {
				subtotal: money(invoice.subtotal),
				discount: money(invoice.discount),
				tax: money(invoice.tax),
				total: money(invoice.total),
				paid: money(invoice.paid),
				credited: money(invoice.credited),
				balance: money(invoice.balance)
			},
			balanceMajor: formatMajorAmount(invoice.balance, currency),
			issuedText: invoice.issuedAt ? when.format(new Date(invoice.issuedAt)) : null,
			createdText: when.format(new Date(invoice.createdAt)),
			lines: invoice.lines.map((l) => ({
				...l,
				unitText: money(l.unitPrice),
				discountText: l.discount ? money(l.discount) : '',
				taxText: money(l.tax),
				totalText: money(l.total)
			})),
			payments: invoice.payments.map((p) => {
				const left = p.refundOf ? 0 : p.amount - p.toCredit - (refunded.get(p.id) ?? 0);
				return {
					...p,
					amountText: money(p.amount),
					toCreditText: p.toCredit ? money(p.toCredit) : '',
					changeText: p.tendered !== null ? money(p.tendered - p.amount) : '',
					whenText: when.format(new Date(p.createdAt)),
					refundable: left,
					refundableMajor: formatMajorAmount(left, currency)
				};
			}),
			creditNotes: invoice.creditNotes.map((c) => ({ ...c, amountText: money(c.amount), whenText: when.format(new Date(c.createdAt)) }))
		},
		patient: { id: invoice.patientId, name: who?.name ?? '', ref: who ? formatRef(home.code, 'P', who.refNo) : '', phone: who?.phone ?? '' },
		credit: { amount: credit, text: money(credit) },
		currency,
		may: {
			issue: allowed('invoice.issue'),
			pay: allowed('payment.take'),
			refund: allowed('payment.refund'),
			void: allowed('invoice.void'),
			credit: allowed('invoice.credit')
		}
	};
};

/**
 * Whether the invoice's payment QR can be shown (the image itself comes from the API): null when
 * there is nothing to pay; `ready: false` before an admin has set the payee.
 */
async function qrOf(
	db: Awaited<ReturnType<typeof getDatabase>>['db'],
	ctx: Parameters<typeof getInvoice>[1],
	invoice: { id: string; status: string; balance: number }
) {
	if ((invoice.status !== 'issued' && invoice.status !== 'partly_paid') || invoice.balance <= 0) return null;
	try {
		const qr = await invoicePaymentQr(db, ctx, invoice.id);
		return { ready: true, upi: qr.upi !== null };
	} catch (e) {
		if (e instanceof AppError && e.code === 'payee_not_configured') return { ready: false, upi: false };
		throw e;
	}
}

type Access = Awaited<ReturnType<typeof billingDesk>>;
type Step = (event: RequestEvent, v: Record<string, string>, access: Access & { currency: Currency }) => Promise<Record<string, unknown> | void>;

/** One form of the page: the person may do it (`action`), its command runs, a refusal is named after the form. */
function step(form: string, action: BillingAction, run: Step) {
	return async (event: RequestEvent) => {
		const access = await billingDesk(event, action);
		const v = await formValues(event.request);
		try {
			return { form, done: true, ...(await run(event, v, { ...access, currency: currencyOf(access.clinic) })) };
		} catch (e) {
			return refused(form, e, v);
		}
	};
}

const amountOf = (text: string | undefined, currency: Currency, field: string) => parseMajorAmount(text, currency, MAX_AMOUNT, field) || undefined;

export const actions: Actions = {
	issue: step('issue', 'invoice.issue', async (event, v, { ctx }) => {
		const { db } = await getDatabase();
		await issueInvoice(db, ctx, event.params.id, { idempotencyKey: v.idempotencyKey });
	}),
	pay: step('pay', 'payment.take', async (event, v, { ctx, currency }) => {
		const { db } = await getDatabase();
		const method = v.method ?? '';
		const taken = await recordPayment(db, ctx, event.params.id, {
			amount: amountOf(v.amount, currency, 'amount'),
			method,
			reference: v.reference ?? '',
			tendered: method === 'cash' ? amountOf(v.tendered, currency, 'tendered') : undefined,
			keepExcessAsCredit: v.keepExcessAsCredit === 'on',
			idempotencyKey: v.idempotencyKey
		});
		const locale = formatLocale(getLocale());
		return {
			changeText: taken.change > 0 ? formatMoney(taken.change, currency, locale) : '',
			toCreditText: taken.toCredit > 0 ? formatMoney(taken.toCredit, currency, locale) : ''
		};
	}),
	refund: step('refund', 'payment.refund', async (event, v, { ctx, currency }) => {
		const { db } = await getDatabase();
		await refundPayment(db, ctx, v.paymentId ?? '', {
			amount: amountOf(v.amount, currency, 'amount'),
			reason: v.reason ?? '',
			idempotencyKey: v.idempotencyKey
		});
		return { paymentId: v.paymentId };
	}),
	void: step('void', 'invoice.void', async (event, v, { ctx }) => {
		const { db } = await getDatabase();
		await voidInvoice(db, ctx, event.params.id, { reason: v.reason ?? '', idempotencyKey: v.idempotencyKey });
	}),
	credit: step('credit', 'invoice.credit', async (event, v, { ctx, currency }) => {
		const { db } = await getDatabase();
		await createCreditNote(db, ctx, event.params.id, {
			amount: amountOf(v.amount, currency, 'amount'),
			reason: v.reason ?? '',
			idempotencyKey: v.idempotencyKey
		});
	})
};
