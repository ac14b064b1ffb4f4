import { and, eq, sql } from 'drizzle-orm';
import { creditNote, invoice, patient, patientCredit, payment } from '../db/schema';
import type { Db, Tx } from '../db';
import { requiredIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, badRequest, forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { nextNumber } from '../tenancy/counters';
import { clinicToday } from '../../time';
import { balanceOf } from './amounts';
import { creditNoteNumber, fiscalYearOf } from './fiscal';
import { billingClinic, invoiceState, lockInvoice } from './invoices';
import { can } from './policy';
import { creditNoteInput, paymentInput, refundInput } from './schema';

type Reader = Db | Tx;

/** A 409 that says how much there was (`balance`, `left`, `credit`), in minor units, for the screen to show. */
const conflictWith = (message: string, code: 'exceeds_balance' | 'refund_exceeds' | 'credit_exceeds', params: Record<string, number>) =>
	new AppError(code, 409, message, 'amount', params);

const exceedsBalance = (balance: number) => conflictWith('More than is still owed on this invoice', 'exceeds_balance', { balance });

/** The status an issued invoice has with this much paid and credited. */
const paymentStatus = (row: { total: number }, paid: number, credited: number) =>
	paid + credited >= row.total ? ('paid' as const) : paid > 0 ? ('partly_paid' as const) : ('issued' as const);

/** A patient's credit balance, with their row locked so two desks cannot spend it twice. */
async function lockCredit(tx: Tx, clinicId: string, patientId: string): Promise<number> {
	await tx.select({ id: patient.id }).from(patient).where(eq(patient.id, patientId)).for('update');
	return patientCreditBalance(tx, clinicId, patientId);
}

/** A patient's credit with the clinic (what they left over and may spend on a later invoice). */
export async function patientCreditBalance(db: Reader, clinicId: string, patientId: string): Promise<number> {
	const [row] = await db
		.select({ balance: sql<number>`coalesce(sum(${patientCredit.amount}), 0)::bigint` })
		.from(patientCredit)
		.where(and(eq(patientCredit.clinicId, clinicId), eq(patientCredit.patientId, patientId)));
	return Number(row?.balance ?? 0);
}

/**
 * `POST …/invoices/{id}/payments`: money taken against an issued invoice, in one of the methods.
 * More than is owed at the moment it commits is refused (`exceeds_balance`): the invoice row is
 * locked first, and a CHECK keeps paid + credited within the total whatever happens. With
 * `keepExcessAsCredit` the excess goes to the patient's credit instead. The idempotency key is
 * required: a double click or a retried request returns the first payment, never a second.
 */
export async function recordPayment(db: Db, ctx: ClinicContext, invoiceId: string, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'payment.take')) throw forbidden();
	const data = parseInput(paymentInput, input);
	if (data.tendered !== undefined && (data.method !== 'cash' || data.tendered < data.amount))
		throw badRequest('Cash tendered is at least the amount, and only for cash', 'tendered', 'amount_invalid');
	if (data.keepExcessAsCredit && data.method === 'credit') throw badRequest('Credit cannot be kept as credit', 'keepExcessAsCredit', 'field_invalid');
	const idempotency = requiredIdempotency(`payment:${ctx.clinicId}:${invoiceId}`, ctx.actor.userId, data.idempotencyKey, data);
	return runCommand(db, idempotency, async (tx) => {
		const row = await lockInvoice(tx, ctx.clinicId, invoiceId);
		// A paid invoice owes nothing: the second of two desks racing for the last payment hears exceeds_balance.
		if (row.status === 'draft' || row.status === 'void') throw invoiceState('Payments are taken on an issued invoice');
		const balance = balanceOf(row);
		const excess = Math.max(0, data.amount - balance);
		if (excess > 0 && !data.keepExcessAsCredit) throw exceedsBalance(balance);
		if (data.method === 'credit') {
			const credit = await lockCredit(tx, ctx.clinicId, row.patientId);
			if (data.amount > credit) throw conflictWith('More than the patient has in credit', 'credit_exceeds', { credit });
		}
		const [taken] = await tx
			.insert(payment)
			.values({
				clinicId: ctx.clinicId,
				invoiceId,
				amount: data.amount,
				toCredit: excess,
				method: data.method,
				reference: data.reference,
				tendered: data.tendered ?? null,
				actorId: ctx.actor.userId,
				createdAt: now
			})
			.returning();
		if (data.method === 'credit' || excess > 0) {
			const before = await lockCredit(tx, ctx.clinicId, row.patientId);
			const change = data.method === 'credit' ? -data.amount : excess;
			await tx.insert(patientCredit).values({
				clinicId: ctx.clinicId,
				patientId: row.patientId,
				amount: change,
				balanceAfter: before + change,
				paymentId: taken.id,
				invoiceId,
				actorId: ctx.actor.userId,
				createdAt: now
			});
		}
		const paid = row.paid + data.amount - excess;
		const status = paymentStatus(row, paid, row.credited);
		await tx.update(invoice).set({ paid, status, updatedAt: now }).where(eq(invoice.id, invoiceId));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'payment.take',
			entityType: 'invoice',
			entityId: invoiceId,
			data: { paymentId: taken.id, amount: data.amount, method: data.method, toCredit: excess }
		});
		return {
			id: taken.id,
			invoiceId,
			amount: data.amount,
			method: data.method,
			toCredit: excess,
			change: data.tendered !== undefined ? data.tendered - data.amount : 0,
			status,
			balance: row.total - paid - row.credited
		};
	});
}

/**
 * `POST …/payments/{id}/refund` (admins): money given back, as a negative payment that references
 * the original, never more than is left of it (`refund_exceeds`), under the invoice's lock.
 */
export async function refundPayment(db: Db, ctx: ClinicContext, paymentId: string, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'payment.refund')) throw forbidden();
	const data = parseInput(refundInput, input);
	const [original] = await db
		.select()
		.from(payment)
		.where(and(eq(payment.clinicId, ctx.clinicId), eq(payment.id, paymentId)));
	if (!original || original.refundOf !== null) throw notFound('No such payment');
	const idempotency = requiredIdempotency(`refund:${ctx.clinicId}:${paymentId}`, ctx.actor.userId, data.idempotencyKey, data);
	return runCommand(db, idempotency, async (tx) => {
		const row = await lockInvoice(tx, ctx.clinicId, original.invoiceId);
		const [{ refunded }] = await tx
			.select({ refunded: sql<number>`coalesce(-sum(${payment.amount}), 0)::bigint` })
			.from(payment)
			.where(eq(payment.refundOf, paymentId));
		const left = original.amount - original.toCredit - Number(refunded);
		if (data.amount > left) throw conflictWith('More than is left of this payment to refund', 'refund_exceeds', { left });
		const [refund] = await tx
			.insert(payment)
			.values({
				clinicId: ctx.clinicId,
				invoiceId: row.id,
				amount: -data.amount,
				method: original.method,
				refundOf: paymentId,
				reason: data.reason,
				actorId: ctx.actor.userId,
				createdAt: now
			})
			.returning();
		const paid = row.paid - data.amount;
		const status = row.status === 'void' ? row.status : paymentStatus(row, paid, row.credited);
		await tx.update(invoice).set({ paid, status, updatedAt: now }).where(eq(invoice.id, row.id));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'payment.refund',
			entityType: 'invoice',
			entityId: row.id,
			data: { paymentId, refundId: refund.id, amount: data.amount, reason: data.reason }
		});
		return { id: refund.id, refundOf: paymentId, amount: -data.amount, status, balance: row.total - paid - row.credited };
	});
}

/**
 * `POST …/invoices/{id}/credit-notes` (admins): part of an issued invoice no longer asked for,
 * numbered in its own gapless sequence. It reduces what is owed, never below zero
 * (`credit_exceeds`): money already taken is refunded instead.
 */
export async function createCreditNote(db: Db, ctx: ClinicContext, invoiceId: string, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'invoice.credit')) throw forbidden();
	const data = parseInput(creditNoteInput, input);
	const home = await billingClinic(db, ctx.clinicId);
	const idempotency = requiredIdempotency(`credit_note:${ctx.clinicId}:${invoiceId}`, ctx.actor.userId, data.idempotencyKey, data);
	return runCommand(db, idempotency, async (tx) => {
		const row = await lockInvoice(tx, ctx.clinicId, invoiceId);
		if (row.status === 'draft' || row.status === 'void') throw invoiceState('Credit notes are made against an issued invoice');
		const balance = balanceOf(row);
		if (data.amount > balance) throw conflictWith('More than is still owed on this invoice', 'credit_exceeds', { balance });
		const fiscalYear = fiscalYearOf(clinicToday(home.timezone, now), home.fiscalYearStartMonth);
		const n = await nextNumber(tx, ctx.clinicId, `credit_note:${fiscalYear}`, 1);
		const [note] = await tx
			.insert(creditNote)
			.values({
				clinicId: ctx.clinicId,
				invoiceId,
				number: creditNoteNumber(home.code, fiscalYear, n),
				amount: data.amount,
				reason: data.reason,
				actorId: ctx.actor.userId,
				createdAt: now
			})
			.returning();
		const credited = row.credited + data.amount;
		const status = paymentStatus(row, row.paid, credited);
		await tx.update(invoice).set({ credited, status, updatedAt: now }).where(eq(invoice.id, invoiceId));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'invoice.credit',
			entityType: 'invoice',
			entityId: invoiceId,
			data: { creditNoteId: note.id, number: note.number, amount: data.amount, reason: data.reason }
		});
		return { id: note.id, number: note.number, amount: data.amount, status, balance: row.total - row.paid - credited };
	});
}

/**
 * A merge of duplicate records: the duplicate's credit moves to the survivor as two new entries
 * (credit is append-only, so it is never re-pointed). The caller holds both patient rows.
 */
export async function moveCredit(tx: Tx, clinicId: string, actorId: string, fromId: string, toId: string): Promise<number> {
	const amount = await patientCreditBalance(tx, clinicId, fromId);
	if (amount <= 0) return 0;
	const survivorBalance = await patientCreditBalance(tx, clinicId, toId);
	await tx.insert(patientCredit).values([
		{ clinicId, patientId: fromId, amount: -amount, balanceAfter: 0, actorId },
		{ clinicId, patientId: toId, amount, balanceAfter: survivorBalance + amount, actorId }
	]);
	return amount;
}
