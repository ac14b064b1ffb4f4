import { and, eq, gte, inArray, lt, ne } from 'drizzle-orm';
import { z } from 'zod';
import { appUser, billingService, clinic, creditNote, invoice, invoiceLine, payment, visit } from '../db/schema';
import type { Db, Tx } from '../db';
import { forbidden } from '../errors';
import { problem } from '../fieldCodes';
import { parseInput } from '../validation';
import { isoDay } from '../text';
import type { ClinicContext } from '../tenancy/context';
import { currencyOf } from '../tenancy/money';
import { csvDocument, decimalAmount, type CsvFile } from '../pharmacy/inventoryCsv';
import { addDays, clinicDay, clinicToday, dayBounds } from '../../time';
import { balanceOf } from './amounts';
import { can } from './policy';
import { PAYMENT_METHODS, SERVICE_CATEGORIES } from './schema';

type Reader = Db | Tx;

/** The longest period one report covers: a year, leap day included. */
export const REPORT_MAX_DAYS = 366;

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** `?from=&to=` (clinic days, both included). */
export const revenueQuery = z
	.strictObject({ from: isoDay(), to: isoDay() })
	.refine((q) => q.from <= q.to, { ...problem('date_order', 'must not be before from'), path: ['to'] })
	.refine((q) => daysBetween(q.from, q.to) < REPORT_MAX_DAYS, {
		...problem('field_too_large', `a report covers at most ${REPORT_MAX_DAYS} days`, { max: REPORT_MAX_DAYS }),
		path: ['to']
	});

/** How long an unpaid balance has been owed, from the day its invoice was issued. */
export const AGE_BUCKETS = ['0-30', '31-60', '61-90', '90+'] as const;
const bucketOf = (days: number) => (days <= 30 ? '0-30' : days <= 60 ? '31-60' : days <= 90 ? '61-90' : '90+');

/**
 * `GET …/reports/revenue?from=&to=`: what the clinic invoiced and took in a period of its days.
 * Invoiced: the invoices issued in it (void ones left out), per day, per doctor (lines of the
 * doctor's visits and own services, before tax) and per kind of service; their discounts and tax.
 * Collected: payments taken in it per day and method (the patient's credit spent is a method of
 * its own and no new money), refunds subtracted where they were given. Credit notes made in it.
 * Outstanding: what is owed today on every issued invoice, by how long it has been owed.
 */
export async function revenueReport(db: Reader, ctx: ClinicContext, query: unknown, now = new Date()) {
	if (!can(ctx.actor, 'report.view')) throw forbidden();
	const q = parseInput(revenueQuery, query);
	const [home] = await db.select().from(clinic).where(eq(clinic.id, ctx.clinicId));
	const tz = home.timezone;
	const start = dayBounds(q.from, tz).from;
	const end = dayBounds(addDays(q.to, 1), tz).from;
	const issued = await db
		.select()
		.from(invoice)
		.where(
			and(eq(invoice.clinicId, ctx.clinicId), ne(invoice.status, 'void'), ne(invoice.status, 'draft'), gte(invoice.issuedAt, start), lt(invoice.issuedAt, end))
		);
	const lines = issued.length
		? await db
				.select({ line: invoiceLine, invoiceId: invoiceLine.invoiceId, serviceDoctor: billingService.doctorId, visitDoctor: visit.doctorId })
				.from(invoiceLine)
				.innerJoin(invoice, eq(invoice.id, invoiceLine.invoiceId))
				.leftJoin(billingService, eq(billingService.id, invoiceLine.serviceId))
				.leftJoin(visit, eq(visit.id, invoice.visitId))
				.where(
					inArray(
						invoiceLine.invoiceId,
						issued.map((i) => i.id)
					)
				)
		: [];
	const payments = await db
		.select()
		.from(payment)
		.where(and(eq(payment.clinicId, ctx.clinicId), gte(payment.createdAt, start), lt(payment.createdAt, end)));
	const notes = await db
		.select({ amount: creditNote.amount })
		.from(creditNote)
		.where(and(eq(creditNote.clinicId, ctx.clinicId), gte(creditNote.createdAt, start), lt(creditNote.createdAt, end)));
	const owing = await db
		.select()
		.from(invoice)
		.where(and(eq(invoice.clinicId, ctx.clinicId), inArray(invoice.status, ['issued', 'partly_paid'])));

	const days = Array.from({ length: daysBetween(q.from, q.to) + 1 }, (_, i) => addDays(q.from, i));
	const byDay = new Map(days.map((day) => [day, { day, invoiced: 0, collected: 0 }]));
	for (const inv of issued) byDay.get(clinicDay(inv.issuedAt ?? inv.createdAt, tz))!.invoiced += inv.total;
	const byMethod = new Map<string, number>(PAYMENT_METHODS.map((m) => [m, 0]));
	let collected = 0;
	let refunded = 0;
	for (const p of payments) {
		byMethod.set(p.method, (byMethod.get(p.method) ?? 0) + p.amount);
		if (p.method === 'credit') continue;
		if (p.amount < 0) refunded -= p.amount;
		else collected += p.amount;
		byDay.get(clinicDay(p.createdAt, tz))!.collected += p.amount;
	}
	const byCategory = new Map<string, number>(SERVICE_CATEGORIES.map((c) => [c, 0]));
	const byDoctor = new Map<string, number>();
	for (const { line, serviceDoctor, visitDoctor } of lines) {
		const beforeTax = line.total - line.tax;
		byCategory.set(line.category, (byCategory.get(line.category) ?? 0) + beforeTax);
		const doctorId = serviceDoctor ?? visitDoctor;
		if (doctorId) byDoctor.set(doctorId, (byDoctor.get(doctorId) ?? 0) + beforeTax);
	}
	const names = byDoctor.size
		? new Map(
				(
					await db
						.select({ id: appUser.id, name: appUser.name })
						.from(appUser)
						.where(inArray(appUser.id, [...byDoctor.keys()]))
				).map((u) => [u.id, u.name])
			)
		: new Map<string, string>();
	const today = clinicToday(tz, now);
	const ages = new Map(AGE_BUCKETS.map((b) => [b, { bucket: b, count: 0, amount: 0 }]));
	for (const inv of owing) {
		const owed = balanceOf(inv);
		if (owed <= 0) continue;
		const age = ages.get(bucketOf(daysBetween(clinicDay(inv.issuedAt ?? inv.createdAt, tz), today)))!;
		age.count++;
		age.amount += owed;
	}
	const sum = <T>(rows: T[], of: (r: T) => number) => rows.reduce((s, r) => s + of(r), 0);
	return {
		from: q.from,
		to: q.to,
		currency: currencyOf(home),
		totals: {
			invoices: issued.length,
			invoiced: sum(issued, (i) => i.total),
			discounts: sum(issued, (i) => i.discount),
			tax: sum(issued, (i) => i.tax),
			collected,
			refunded,
			credited: sum(notes, (n) => n.amount),
			outstanding: sum([...ages.values()], (a) => a.amount)
		},
		byDay: [...byDay.values()],
		byDoctor: [...byDoctor.entries()].map(([doctorId, amount]) => ({ doctorId, name: names.get(doctorId) ?? '', amount })).sort((a, b) => b.amount - a.amount),
		byCategory: [...byCategory.entries()].map(([category, amount]) => ({ category, amount })),
		byMethod: [...byMethod.entries()].map(([method, amount]) => ({ method, amount })),
		outstandingByAge: [...ages.values()]
	};
}

/**
 * `GET …/reports/revenue.csv?from=&to=`: the same report as one table a spreadsheet sorts and
 * filters: a row per figure (`section`, `key`, `label`, `amount` in major units, `count`).
 */
export async function revenueCsv(db: Reader, ctx: ClinicContext, query: unknown, now = new Date()): Promise<CsvFile> {
	const r = await revenueReport(db, ctx, query, now);
	const money = (minor: number) => decimalAmount(minor, r.currency.exponent);
	const rows: (string | number)[][] = [
		...Object.entries(r.totals).map(([key, value]) => (key === 'invoices' ? ['total', key, '', '', value] : ['total', key, '', money(value), ''])),
		...r.byDay.flatMap((d) => [
			['day_invoiced', d.day, '', money(d.invoiced), ''],
			['day_collected', d.day, '', money(d.collected), '']
		]),
		...r.byDoctor.map((d) => ['doctor', d.doctorId, d.name, money(d.amount), '']),
		...r.byCategory.map((c) => ['category', c.category, '', money(c.amount), '']),
		...r.byMethod.map((m) => ['method', m.method, '', money(m.amount), '']),
		...r.outstandingByAge.map((a) => ['outstanding_age', a.bucket, '', money(a.amount), a.count])
	];
	return { filename: `revenue-${r.from}-${r.to}.csv`, body: csvDocument(['section', 'key', 'label', `amount_${r.currency.code}`, 'count'], rows) };
}
