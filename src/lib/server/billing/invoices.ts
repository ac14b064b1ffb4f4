import { and, asc, desc, eq, lte, sql } from 'drizzle-orm';
import { billingService, clinic, creditNote, invoice, invoiceLine, patient, payment, servicePrice, taxRule, type Invoice } from '../db/schema';
import type { Db, Tx } from '../db';
import { requiredIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, badRequest, conflict, forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { nextNumber } from '../tenancy/counters';
import { clinicToday } from '../../time';
import { balanceOf, discountAmount, invoiceTotals, lineAmounts } from './amounts';
import { fiscalYearOf, invoiceNumber } from './fiscal';
import { can } from './policy';
import { invoiceInput, invoiceQuery, keyOnlyInput, voidInput } from './schema';

type Reader = Db | Tx;

export const invoiceState = (message: string) => conflict(message, 'invoice_state');
const noSuchInvoice = () => notFound('No such invoice');

/** The clinic facts billing needs: its code (numbers), zone (days) and when its fiscal year starts. */
export async function billingClinic(db: Reader, clinicId: string) {
	const [home] = await db
		.select({ code: clinic.code, timezone: clinic.timezone, fiscalYearStartMonth: clinic.fiscalYearStartMonth, taxNumber: clinic.taxNumber })
		.from(clinic)
		.where(eq(clinic.id, clinicId));
	if (!home) throw notFound('No such clinic');
	return home;
}

/** The price of a service on a clinic day: the latest price set on or before it. */
export async function servicePriceOn(db: Reader, clinicId: string, serviceId: string, day: string): Promise<number | null> {
	const [row] = await db
		.select({ price: servicePrice.price })
		.from(servicePrice)
		.where(and(eq(servicePrice.clinicId, clinicId), eq(servicePrice.serviceId, serviceId), lte(servicePrice.effectiveFrom, day)))
		.orderBy(desc(servicePrice.effectiveFrom))
		.limit(1);
	return row?.price ?? null;
}

/**
 * `POST …/invoices`: a draft the desk builds from services (at their price today) or described
 * lines with their own price; each line's tax is the clinic's rule for its category, its discount
 * a percentage or an amount with a reason. Drafts have no number: it is given when issued.
 */
export async function createInvoice(db: Db, ctx: ClinicContext, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'invoice.create')) throw forbidden();
	const data = parseInput(invoiceInput, input);
	const home = await billingClinic(db, ctx.clinicId);
	const today = clinicToday(home.timezone, now);
	const [who] = await db
		.select({ mergedIntoId: patient.mergedIntoId })
		.from(patient)
		.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, data.patientId)));
	if (!who) throw badRequest('No such patient in this clinic', 'patientId', 'field_invalid');
	if (who.mergedIntoId) throw new AppError('patient_merged', 409, 'This record was merged into another one', 'patientId');
	const taxes = new Map((await db.select().from(taxRule).where(eq(taxRule.clinicId, ctx.clinicId))).map((t) => [t.category, t]));

	const lines: (Omit<typeof invoiceLine.$inferInsert, 'clinicId' | 'invoiceId'> & { amounts: ReturnType<typeof lineAmounts> })[] = [];
	for (const [i, line] of data.lines.entries()) {
		let description = line.description ?? '';
		let category = line.category ?? 'other';
		let unitPrice = line.unitPrice;
		if (line.serviceId) {
			const [service] = await db
				.select()
				.from(billingService)
				.where(and(eq(billingService.clinicId, ctx.clinicId), eq(billingService.id, line.serviceId), eq(billingService.archived, false)));
			if (!service) throw badRequest('No such service', `lines.${i}.serviceId`, 'field_invalid');
			description ||= service.name;
			category = service.category;
			unitPrice ??= (await servicePriceOn(db, ctx.clinicId, service.id, today)) ?? undefined;
			if (unitPrice === undefined) throw badRequest('This service has no price yet', `lines.${i}.serviceId`, 'service_unpriced');
		}
		const tax = taxes.get(category);
		// The arithmetic takes percentages in basis points.
		const discount = line.discount ? ('percent' in line.discount ? { percent: line.discount.percent * 100 } : { amount: line.discount.amount }) : null;
		if (discountAmount(line.quantity * (unitPrice ?? 0), discount) === undefined)
			throw badRequest('The discount is more than the line', `lines.${i}.discount`, 'discount_exceeds');
		const amounts = lineAmounts({
			quantity: line.quantity,
			unitPrice: unitPrice ?? 0,
			discount,
			taxRateBasisPoints: tax?.rateBasisPoints ?? 0,
			taxInclusive: tax?.inclusive ?? false
		});
		lines.push({
			position: i + 1,
			serviceId: line.serviceId ?? null,
			category,
			description,
			quantity: line.quantity,
			unitPrice: unitPrice ?? 0,
			discount: amounts.discount,
			discountReason: line.discount?.reason ?? '',
			taxRateBasisPoints: tax?.rateBasisPoints ?? 0,
			taxInclusive: tax?.inclusive ?? false,
			tax: amounts.tax,
			total: amounts.total,
			amounts
		});
	}
	const totals = invoiceTotals(lines.map((l) => l.amounts));
	const idempotency = requiredIdempotency(`invoice.create:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, data);
	return runCommand(db, idempotency, async (tx) => {
		const [created] = await tx
			.insert(invoice)
			.values({ clinicId: ctx.clinicId, patientId: data.patientId, note: data.note, createdBy: ctx.actor.userId, ...totals })
			.returning();
		await tx.insert(invoiceLine).values(lines.map(({ amounts: _amounts, ...l }) => ({ ...l, clinicId: ctx.clinicId, invoiceId: created.id })));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'invoice.create',
			entityType: 'invoice',
			entityId: created.id,
			data: { patientId: data.patientId, lines: lines.length, total: totals.total }
		});
		return presentInvoice(tx, created);
	});
}

/** The invoice row, locked for the rest of the transaction (every money command takes it first). */
export async function lockInvoice(tx: Tx, clinicId: string, id: string): Promise<Invoice> {
	const [row] = await tx
		.select()
		.from(invoice)
		.where(and(eq(invoice.clinicId, clinicId), eq(invoice.id, id)))
		.for('update');
	if (!row) throw noSuchInvoice();
	return row;
}

/**
 * `POST …/invoices/{id}/issue`: the draft gets its number, gapless per clinic and fiscal year
 * (the counter row is taken inside this transaction, so a rolled-back issue leaves no hole), and
 * from now on never changes (database triggers refuse edits of an issued invoice and its lines).
 */
export async function issueInvoice(db: Db, ctx: ClinicContext, id: string, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'invoice.issue')) throw forbidden();
	const data = parseInput(keyOnlyInput, input);
	const home = await billingClinic(db, ctx.clinicId);
	const idempotency = requiredIdempotency(`invoice.issue:${ctx.clinicId}:${id}`, ctx.actor.userId, data.idempotencyKey, data);
	return runCommand(db, idempotency, async (tx) => {
		const row = await lockInvoice(tx, ctx.clinicId, id);
		if (row.status !== 'draft') throw invoiceState('Only a draft can be issued');
		const [{ lines }] = await tx
			.select({ lines: sql<number>`count(*)::int` })
			.from(invoiceLine)
			.where(eq(invoiceLine.invoiceId, id));
		if (lines === 0) throw invoiceState('An invoice needs at least one line');
		const fiscalYear = fiscalYearOf(clinicToday(home.timezone, now), home.fiscalYearStartMonth);
		const n = await nextNumber(tx, ctx.clinicId, `invoice:${fiscalYear}`, 1);
		const [issued] = await tx
			.update(invoice)
			.set({
				status: row.total === 0 ? 'paid' : 'issued',
				number: invoiceNumber(home.code, fiscalYear, n),
				fiscalYear,
				issuedAt: now,
				issuedBy: ctx.actor.userId,
				updatedAt: now
			})
			.where(eq(invoice.id, id))
			.returning();
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'invoice.issue',
			entityType: 'invoice',
			entityId: id,
			data: { number: issued.number, total: issued.total }
		});
		return {
			id,
			number: issued.number,
			status: issued.status,
			subtotal: issued.subtotal,
			discount: issued.discount,
			tax: issued.tax,
			total: issued.total,
			balance: balanceOf(issued)
		};
	});
}

/**
 * `POST …/invoices/{id}/void` (admins): a draft is discarded; an issued invoice with nothing paid
 * on it is voided, keeping its number (the sequence stays gapless). Money taken is refunded first.
 */
export async function voidInvoice(db: Db, ctx: ClinicContext, id: string, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'invoice.void')) throw forbidden();
	const data = parseInput(voidInput, input);
	const idempotency = requiredIdempotency(`invoice.void:${ctx.clinicId}:${id}`, ctx.actor.userId, data.idempotencyKey, data);
	return runCommand(db, idempotency, async (tx) => {
		const row = await lockInvoice(tx, ctx.clinicId, id);
		if (row.status === 'void') throw invoiceState('This invoice is already void');
		if (row.paid > 0) throw invoiceState('Refund the payments on this invoice before voiding it');
		await tx
			.update(invoice)
			.set({ status: 'void', voidedAt: now, voidedBy: ctx.actor.userId, voidReason: data.reason, updatedAt: now })
			.where(eq(invoice.id, id));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'invoice.void',
			entityType: 'invoice',
			entityId: id,
			data: { number: row.number, reason: data.reason }
		});
		return { id, status: 'void' as const };
	});
}

/** An invoice as the API and screens show it: its lines, payments (refunds negative) and credit notes. */
export async function presentInvoice(db: Reader, row: Invoice) {
	const [lines, payments, credits] = await Promise.all([
		db.select().from(invoiceLine).where(eq(invoiceLine.invoiceId, row.id)).orderBy(asc(invoiceLine.position)),
		db.select().from(payment).where(eq(payment.invoiceId, row.id)).orderBy(asc(payment.createdAt)),
		db.select().from(creditNote).where(eq(creditNote.invoiceId, row.id)).orderBy(asc(creditNote.createdAt))
	]);
	return {
		id: row.id,
		number: row.number,
		status: row.status,
		patientId: row.patientId,
		visitId: row.visitId,
		source: row.source,
		subtotal: row.subtotal,
		discount: row.discount,
		tax: row.tax,
		total: row.total,
		paid: row.paid,
		credited: row.credited,
		balance: balanceOf(row),
		note: row.note,
		issuedAt: row.issuedAt?.toISOString() ?? null,
		createdAt: row.createdAt.toISOString(),
		lines: lines.map((l) => ({
			id: l.id,
			serviceId: l.serviceId,
			category: l.category,
			description: l.description,
			quantity: l.quantity,
			unitPrice: l.unitPrice,
			discount: l.discount,
			discountReason: l.discountReason,
			taxRateBasisPoints: l.taxRateBasisPoints,
			taxInclusive: l.taxInclusive,
			tax: l.tax,
			total: l.total
		})),
		payments: payments.map((p) => ({
			id: p.id,
			amount: p.amount,
			toCredit: p.toCredit,
			method: p.method,
			reference: p.reference,
			tendered: p.tendered,
			refundOf: p.refundOf,
			reason: p.reason,
			createdAt: p.createdAt.toISOString()
		})),
		creditNotes: credits.map((c) => ({ id: c.id, number: c.number, amount: c.amount, reason: c.reason, createdAt: c.createdAt.toISOString() }))
	};
}

/** `GET …/invoices/{id}`. */
export async function getInvoice(db: Reader, ctx: ClinicContext, id: string) {
	if (!can(ctx.actor, 'invoice.view')) throw forbidden();
	const [row] = await db
		.select()
		.from(invoice)
		.where(and(eq(invoice.clinicId, ctx.clinicId), eq(invoice.id, id)));
	if (!row) throw noSuchInvoice();
	return presentInvoice(db, row);
}

/** `GET …/invoices?visitId=&patientId=&status=`: newest first, at most 500, without their lines. */
export async function listInvoices(db: Reader, ctx: ClinicContext, query: { visitId?: string; patientId?: string; status?: string }) {
	if (!can(ctx.actor, 'invoice.view')) throw forbidden();
	const data = parseInput(invoiceQuery, query);
	const rows = await db
		.select()
		.from(invoice)
		.where(
			and(
				eq(invoice.clinicId, ctx.clinicId),
				data.visitId ? eq(invoice.visitId, data.visitId) : undefined,
				data.patientId ? eq(invoice.patientId, data.patientId) : undefined,
				data.status ? eq(invoice.status, data.status) : undefined
			)
		)
		.orderBy(desc(invoice.createdAt))
		.limit(500);
	return {
		invoices: rows.map((row) => ({
			id: row.id,
			number: row.number,
			status: row.status,
			patientId: row.patientId,
			visitId: row.visitId,
			source: row.source,
			total: row.total,
			paid: row.paid,
			credited: row.credited,
			balance: balanceOf(row),
			issuedAt: row.issuedAt?.toISOString() ?? null,
			createdAt: row.createdAt.toISOString()
		}))
	};
}
