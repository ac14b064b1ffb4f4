import { and, desc, eq, gte, lt, lte } from 'drizzle-orm';
import { z } from 'zod';
import { billingService, doctorShare, invoice, invoiceLine, membership, visit } from '../db/schema';
import type { Db, Tx } from '../db';
import { idempotencyKeyInput, optionalIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { badRequest, forbidden } from '../errors';
import { withFieldCode } from '../fieldCodes';
import { parseInput } from '../validation';
import { isoDay, uuid } from '../text';
import type { ClinicContext } from '../tenancy/context';
import { clinicDay, clinicToday, dayBounds } from '../../time';
import { roundDiv } from './amounts';
import { billingClinic } from './invoices';
import { can } from './policy';
import { SERVICE_CATEGORIES } from './schema';

type Reader = Db | Tx;
type Category = (typeof SERVICE_CATEGORIES)[number];

export const doctorShareInput = z
	.strictObject({
		doctorId: uuid(),
		category: z.enum(SERVICE_CATEGORIES),
		/** A whole percentage of each paid line before tax… */
		percent: withFieldCode(z.number().int().min(0).max(100), 'share_percent_invalid').optional(),
		/** …or a fixed amount per unit, minor units. */
		amount: withFieldCode(z.number().int().min(0).max(1_000_000_000_000), 'amount_invalid').optional(),
		effectiveFrom: isoDay().optional(),
		idempotencyKey: idempotencyKeyInput.optional()
	})
	.refine((d) => (d.percent === undefined) !== (d.amount === undefined), { message: 'A share is a percentage or an amount', path: ['percent'] });

export const earningsQuery = z.strictObject({
	doctorId: uuid().optional(),
	month: withFieldCode(z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/), 'field_invalid')
});

/** `POST …/doctor-shares` (admins): a doctor's share of a category, from a day (today by default). */
export async function setDoctorShare(db: Db, ctx: ClinicContext, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'earnings.manage')) throw forbidden();
	const data = parseInput(doctorShareInput, input);
	const home = await billingClinic(db, ctx.clinicId);
	const [doctor] = await db
		.select({ userId: membership.userId })
		.from(membership)
		.where(and(eq(membership.clinicId, ctx.clinicId), eq(membership.userId, data.doctorId), eq(membership.role, 'doctor')));
	if (!doctor) throw badRequest('No such doctor in this clinic', 'doctorId', 'field_invalid');
	const effectiveFrom = data.effectiveFrom ?? clinicToday(home.timezone, now);
	const idempotency = optionalIdempotency(`doctor_share:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, data);
	return runCommand(db, idempotency, async (tx) => {
		const values = {
			clinicId: ctx.clinicId,
			doctorId: data.doctorId,
			category: data.category,
			percentBasisPoints: data.percent === undefined ? null : data.percent * 100,
			fixedAmount: data.amount ?? null,
			effectiveFrom,
			createdBy: ctx.actor.userId
		};
		// A second rule for the same day replaces the first: a correction before it applied.
		await tx
			.insert(doctorShare)
			.values(values)
			.onConflictDoUpdate({
				target: [doctorShare.clinicId, doctorShare.doctorId, doctorShare.category, doctorShare.effectiveFrom],
				set: { percentBasisPoints: values.percentBasisPoints, fixedAmount: values.fixedAmount, createdBy: ctx.actor.userId }
			});
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'doctor_share.set',
			entityType: 'user',
			entityId: data.doctorId,
			data: { ...values }
		});
		return { doctorId: data.doctorId, category: data.category, percent: data.percent ?? null, amount: data.amount ?? null, effectiveFrom };
	});
}

type ShareRule = { category: Category; percentBasisPoints: number | null; fixedAmount: number | null; effectiveFrom: string };

/** The rule for a category on a day: the latest one from on or before it. */
function ruleOn(rules: ShareRule[], category: Category, day: string): ShareRule | null {
	return rules.filter((r) => r.category === category && r.effectiveFrom <= day).sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0] ?? null;
}

/**
 * `GET …/earnings?doctorId=&month=`: a doctor's earnings from the paid invoices issued in a month
 * (clinic days): every line of an invoice of their visit, or of their own service, earns their
 * share for its category — a percentage of the line before tax, or a fixed amount per unit —
 * scaled by the part of the invoice actually paid (credit notes earn nothing). A doctor sees their
 * own; admins anyone's.
 */
export async function doctorEarnings(db: Reader, ctx: ClinicContext, query: unknown) {
	if (!can(ctx.actor, 'earnings.view')) throw forbidden();
	const q = parseInput(earningsQuery, query);
	const doctorId = q.doctorId ?? ctx.actor.userId;
	if (ctx.actor.role !== 'admin' && doctorId !== ctx.actor.userId) throw forbidden();
	const home = await billingClinic(db, ctx.clinicId);
	const first = `${q.month}-01`;
	const [y, mo] = q.month.split('-').map(Number);
	const next = mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`;
	const from = dayBounds(first, home.timezone).from;
	const to = dayBounds(next, home.timezone).from;
	const rules = await db
		.select()
		.from(doctorShare)
		.where(and(eq(doctorShare.clinicId, ctx.clinicId), eq(doctorShare.doctorId, doctorId), lte(doctorShare.effectiveFrom, next)))
		.orderBy(desc(doctorShare.effectiveFrom));
	const rows = await db
		.select({ line: invoiceLine, inv: invoice, visitDoctor: visit.doctorId, serviceDoctor: billingService.doctorId })
		.from(invoiceLine)
		.innerJoin(invoice, eq(invoice.id, invoiceLine.invoiceId))
		.leftJoin(visit, eq(visit.id, invoice.visitId))
		.leftJoin(billingService, eq(billingService.id, invoiceLine.serviceId))
		.where(and(eq(invoice.clinicId, ctx.clinicId), eq(invoice.status, 'paid'), gte(invoice.issuedAt, from), lt(invoice.issuedAt, to)))
		.orderBy(invoice.issuedAt, invoiceLine.position);
	const lines = rows
		.filter((r) => r.serviceDoctor === doctorId || (r.serviceDoctor === null && r.visitDoctor === doctorId))
		.map(({ line, inv }) => {
			const day = clinicDay(inv.issuedAt ?? inv.createdAt, home.timezone);
			const beforeTax = line.total - line.tax;
			// The part of the invoice paid rather than credited.
			const paid = inv.total === 0 ? beforeTax : roundDiv(BigInt(beforeTax) * BigInt(inv.paid), BigInt(inv.total));
			const rule = ruleOn(rules, line.category, day);
			const share =
				rule === null
					? 0
					: rule.percentBasisPoints !== null
						? roundDiv(BigInt(paid) * BigInt(rule.percentBasisPoints), 10_000n)
						: (rule.fixedAmount ?? 0) * line.quantity;
			return {
				invoiceId: inv.id,
				number: inv.number,
				visitId: inv.visitId,
				day,
				category: line.category,
				description: line.description,
				quantity: line.quantity,
				amount: paid,
				share
			};
		});
	const byCategory = Object.fromEntries(
		SERVICE_CATEGORIES.map((c) => {
			const of = lines.filter((l) => l.category === c);
			return [c, { amount: of.reduce((s, l) => s + l.amount, 0), share: of.reduce((s, l) => s + l.share, 0) }];
		})
	) as Record<Category, { amount: number; share: number }>;
	return { doctorId, month: q.month, lines, byCategory, total: lines.reduce((s, l) => s + l.share, 0) };
}

const sharesQuery = z.strictObject({ doctorId: uuid().optional() });

/**
 * `GET …/doctor-shares?doctorId=`: a doctor's share rules, newest first per category (the first
 * of each category applies today unless it starts later). Doctors see their own, admins anyone's.
 */
export async function listDoctorShares(db: Reader, ctx: ClinicContext, query: unknown) {
	if (!can(ctx.actor, 'earnings.view')) throw forbidden();
	const q = parseInput(sharesQuery, query);
	const doctorId = q.doctorId ?? ctx.actor.userId;
	if (ctx.actor.role !== 'admin' && doctorId !== ctx.actor.userId) throw forbidden();
	const rows = await db
		.select()
		.from(doctorShare)
		.where(and(eq(doctorShare.clinicId, ctx.clinicId), eq(doctorShare.doctorId, doctorId)))
		.orderBy(doctorShare.category, desc(doctorShare.effectiveFrom));
	return {
		doctorId,
		shares: rows.map((r) => ({
			doctorId,
			category: r.category,
			percent: r.percentBasisPoints === null ? null : r.percentBasisPoints / 100,
			amount: r.fixedAmount,
			effectiveFrom: r.effectiveFrom
		}))
	};
}
