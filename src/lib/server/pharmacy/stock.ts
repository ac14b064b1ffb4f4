import { and, asc, desc, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { appUser, clinic, medicine, stockBatch, stockMovement, supplier, type StockBatch } from '../db/schema';
import type { Db, Tx } from '../db';
import { optionalIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, badRequest, forbidden, notFound } from '../errors';
import { isCheckViolation } from '../db/errors';
import { parseInput } from '../validation';
import { isUuid } from '../text';
import type { ClinicContext } from '../tenancy/context';
import { documentsChanged } from '../sync/changes';
import { documentName } from '../../sync/protocol';
import { addDays, clinicToday, dayBounds } from '../../time';
import { can } from './policy';
import { dispensable, fefoOrder } from './fefo';
import { adjustmentInput, movementsQuery, receiveBatchInput } from './stockSchema';

type Reader = Db | Tx;
export type MovementKind = (typeof stockMovement.$inferInsert)['kind'];

/** What the pharmacy needs of its clinic: its day, its near-expiry rule. */
export async function pharmacyClinic(db: Reader, clinicId: string) {
	const [row] = await db
		.select({
			id: clinic.id,
			code: clinic.code,
			timezone: clinic.timezone,
			nearExpiryDays: clinic.nearExpiryDays,
			currency: clinic.currency,
			currencyExponent: clinic.currencyExponent
		})
		.from(clinic)
		.where(eq(clinic.id, clinicId));
	if (!row) throw notFound('No such clinic');
	return row;
}

export async function findMedicine(db: Reader, clinicId: string, medicineId: string) {
	if (!isUuid(medicineId)) throw notFound('No such medicine');
	const [row] = await db
		.select()
		.from(medicine)
		.where(and(eq(medicine.clinicId, clinicId), eq(medicine.id, medicineId)));
	if (!row) throw notFound('No such medicine');
	return row;
}

export const stockShort = () => new AppError('stock_short', 409, 'There is not that much of it in stock', 'quantity');

/**
 * One movement of one batch: moves its running balance and records the movement with the balance
 * after it, in the caller's transaction. The batch row must already be locked by the caller (in
 * the documented order); the CHECK on `on_hand` refuses a balance below zero whatever happens.
 */
export async function moveStock(
	tx: Tx,
	ctx: ClinicContext,
	batchId: string,
	kind: MovementKind,
	quantity: number,
	refs: { reason?: string; prescriptionId?: string; prescriptionLineId?: string; purchaseOrderId?: string; stockCountId?: string; transferId?: string } = {},
	now = new Date()
): Promise<{ balanceAfter: number; medicineId: string }> {
	let moved: { onHand: number; medicineId: string; clinicId: string } | undefined;
	try {
		[moved] = await tx
			.update(stockBatch)
			.set({ onHand: sql`${stockBatch.onHand} + ${quantity}` })
			.where(eq(stockBatch.id, batchId))
			.returning({ onHand: stockBatch.onHand, medicineId: stockBatch.medicineId, clinicId: stockBatch.clinicId });
	} catch (e) {
		if (isCheckViolation(e, 'stock_batch_on_hand')) throw stockShort();
		throw e;
	}
	if (!moved) throw notFound('No such batch');
	await tx.insert(stockMovement).values({
		clinicId: moved.clinicId,
		medicineId: moved.medicineId,
		batchId,
		kind,
		quantity,
		balanceAfter: moved.onHand,
		reason: refs.reason ?? '',
		prescriptionId: refs.prescriptionId,
		prescriptionLineId: refs.prescriptionLineId,
		purchaseOrderId: refs.purchaseOrderId,
		stockCountId: refs.stockCountId,
		transferId: refs.transferId,
		actorId: ctx.actor.userId,
		createdAt: now
	});
	return { balanceAfter: moved.onHand, medicineId: moved.medicineId };
}

/**
 * Locks the batches of some medicines, in the one order every stock command uses: medicine, then
 * FEFO (expiry, delivery, id). Taken after the prescription row (dispensing) or the purchase order
 * row (receiving) and before the audit chain, so two commands on the same shelf wait for each other
 * instead of deadlocking. A transfer between branches (`transfers.ts`) locks two clinics' shelves:
 * the clinic with the lower id first, in each the medicine's row and then these batches.
 */
export async function lockBatches(tx: Tx, clinicId: string, medicineIds: string[]): Promise<StockBatch[]> {
	if (medicineIds.length === 0) return [];
	return tx
		.select()
		.from(stockBatch)
		.where(and(eq(stockBatch.clinicId, clinicId), inArray(stockBatch.medicineId, medicineIds)))
		.orderBy(asc(stockBatch.medicineId), asc(stockBatch.expiry), asc(stockBatch.receivedAt), asc(stockBatch.id))
		.for('update');
}

export type BatchView = {
	id: string;
	batchNumber: string;
	expiry: string;
	onHand: number;
	receivedQuantity: number;
	costPrice: number;
	salePrice: number;
	supplierId: string | null;
	receivedAt: string;
	/** Past its expiry, or too close to it to dispense (the clinic's setting). */
	dispensable: boolean;
};

function presentBatch(b: StockBatch, today: string, nearExpiryDays: number): BatchView {
	return {
		id: b.id,
		batchNumber: b.batchNumber,
		expiry: b.expiry,
		onHand: b.onHand,
		receivedQuantity: b.receivedQuantity,
		costPrice: b.costPrice,
		salePrice: b.salePrice,
		supplierId: b.supplierId,
		receivedAt: b.receivedAt.toISOString(),
		dispensable: dispensable(b, today, nearExpiryDays)
	};
}

/** `POST …/medicines/{id}/batches`: a delivery into stock, as a `received` movement. */
export async function receiveBatch(
	db: Db,
	ctx: ClinicContext,
	medicineId: string,
	input: unknown,
	now = new Date(),
	purchaseOrderId?: string
): Promise<BatchView> {
	if (!can(ctx.actor, 'stock.receive')) throw forbidden();
	const med = await findMedicine(db, ctx.clinicId, medicineId);
	const data = parseInput(receiveBatchInput, input);
	const home = await pharmacyClinic(db, ctx.clinicId);
	const today = clinicToday(home.timezone, now);
	if (data.expiry < today) throw badRequest('This batch has already expired', 'expiry', 'batch_expired');
	if (data.supplierId) await findSupplier(db, ctx.clinicId, data.supplierId);
	const idempotency = optionalIdempotency(`stock.receive:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { medicineId, ...data });
	return runCommand(db, idempotency, async (tx) => {
		const batch = await insertReceivedBatch(tx, ctx, med.id, data, now, purchaseOrderId);
		await documentsChanged(tx, [documentName.pharmacy(ctx.clinicId)]);
		return presentBatch(batch, today, home.nearExpiryDays);
	});
}

/**
 * A new batch and its `received` movement, with its audit entry, in the caller's transaction
 * (one delivery, or one line of a purchase order received with the others). The caller has
 * checked the medicine, the supplier and the expiry.
 */
export async function insertReceivedBatch(
	tx: Tx,
	ctx: ClinicContext,
	medicineId: string,
	data: { batchNumber: string; expiry: string; quantity: number; costPrice: number; salePrice: number; supplierId?: string | null },
	now: Date,
	purchaseOrderId?: string
): Promise<StockBatch> {
	const [batch] = await tx
		.insert(stockBatch)
		.values({
			clinicId: ctx.clinicId,
			medicineId,
			batchNumber: data.batchNumber,
			expiry: data.expiry,
			supplierId: data.supplierId ?? undefined,
			purchaseOrderId,
			costPrice: data.costPrice,
			salePrice: data.salePrice,
			receivedQuantity: data.quantity,
			onHand: 0,
			receivedBy: ctx.actor.userId,
			receivedAt: now
		})
		.returning();
	await moveStock(tx, ctx, batch.id, 'received', data.quantity, { purchaseOrderId }, now);
	await appendAudit(tx, {
		clinicId: ctx.clinicId,
		actorUserId: ctx.actor.userId,
		action: 'stock.receive',
		entityType: 'stock_batch',
		entityId: batch.id,
		data: { medicineId, batchNumber: data.batchNumber, expiry: data.expiry, quantity: data.quantity, ...(purchaseOrderId ? { purchaseOrderId } : {}) }
	});
	return { ...batch, onHand: data.quantity };
}

const adjustmentKind = (reason: string, quantity: number): MovementKind =>
	reason === 'damaged' || reason === 'expired' ? 'written_off' : reason === 'supplier_return' && quantity < 0 ? 'supplier_return' : 'adjusted';

/** `POST …/stock/adjustments`: a signed change of one batch with its reason; never below zero. */
export async function adjustStock(db: Db, ctx: ClinicContext, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'stock.adjust')) throw forbidden();
	const data = parseInput(adjustmentInput, input);
	const [batch] = await db
		.select()
		.from(stockBatch)
		.where(and(eq(stockBatch.clinicId, ctx.clinicId), eq(stockBatch.id, data.batchId)));
	if (!batch) throw notFound('No such batch');
	if ((data.reason === 'damaged' || data.reason === 'expired' || data.reason === 'supplier_return') && data.quantity > 0)
		throw badRequest('A write-off or a return to the supplier takes units away', 'quantity', 'units_invalid');
	const idempotency = optionalIdempotency(`stock.adjust:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, data);
	return runCommand(db, idempotency, async (tx) => {
		await lockBatches(tx, ctx.clinicId, [batch.medicineId]);
		const kind = adjustmentKind(data.reason, data.quantity);
		const reason = data.note ? `${data.reason}: ${data.note}` : data.reason;
		const { balanceAfter } = await moveStock(tx, ctx, batch.id, kind, data.quantity, { reason }, now);
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'stock.adjust',
			entityType: 'stock_batch',
			entityId: batch.id,
			data: { medicineId: batch.medicineId, quantity: data.quantity, reason: data.reason, note: data.note }
		});
		await documentsChanged(tx, [documentName.pharmacy(ctx.clinicId)]);
		return { batchId: batch.id, kind, quantity: data.quantity, onHand: balanceAfter };
	});
}

/** `GET …/medicines/{id}/stock`: on hand, and per batch in FEFO order (empty batches left out). */
export async function medicineStock(db: Reader, ctx: ClinicContext, medicineId: string, now = new Date()) {
	if (!can(ctx.actor, 'stock.view')) throw forbidden();
	const med = await findMedicine(db, ctx.clinicId, medicineId);
	const home = await pharmacyClinic(db, ctx.clinicId);
	const today = clinicToday(home.timezone, now);
	const batches = await db
		.select()
		.from(stockBatch)
		.where(and(eq(stockBatch.clinicId, ctx.clinicId), eq(stockBatch.medicineId, med.id), sql`${stockBatch.onHand} > 0`));
	const views = fefoOrder(batches).map((b) => presentBatch(b, today, home.nearExpiryDays));
	return {
		medicineId: med.id,
		onHand: views.reduce((sum, b) => sum + b.onHand, 0),
		dispensable: views.filter((b) => b.dispensable).reduce((sum, b) => sum + b.onHand, 0),
		reorderLevel: med.reorderLevel,
		reorderQuantity: med.reorderQuantity,
		batches: views
	};
}

/** On hand that may be dispensed today, per medicine (for the prescription form and the medicines screen). */
export async function dispensableOnHand(db: Reader, clinicId: string, medicineIds: string[], now = new Date()): Promise<Map<string, number>> {
	const result = new Map<string, number>();
	if (medicineIds.length === 0) return result;
	const home = await pharmacyClinic(db, clinicId);
	const firstUsable = addDays(clinicToday(home.timezone, now), home.nearExpiryDays);
	const rows = await db
		.select({ medicineId: stockBatch.medicineId, onHand: sql<number>`sum(${stockBatch.onHand})::int` })
		.from(stockBatch)
		.where(and(eq(stockBatch.clinicId, clinicId), inArray(stockBatch.medicineId, medicineIds), gte(stockBatch.expiry, firstUsable)))
		.groupBy(stockBatch.medicineId);
	for (const id of medicineIds) result.set(id, 0);
	for (const r of rows) result.set(r.medicineId, Number(r.onHand));
	return result;
}

export type MovementView = {
	id: string;
	medicineId: string;
	batchId: string;
	batchNumber: string;
	kind: MovementKind;
	quantity: number;
	balanceAfter: number;
	reason: string;
	prescriptionId: string | null;
	prescriptionLineId: string | null;
	/** The other clinic of a transfer (`transfer_out`, `transfer_in`); null for every other movement. */
	transferClinic: { code: string; name: string } | null;
	actorId: string;
	actorName: string;
	at: string;
};

/** The other half of a transfer: the movement with the same `transfer_id` in the other clinic. */
const otherHalf = alias(stockMovement, 'other_half');

/** `GET …/stock/movements?medicineId=&from=&to=&kind=`: newest first, the clinic's days (at most 2000). */
export async function stockMovements(db: Reader, ctx: ClinicContext, query: unknown): Promise<{ movements: MovementView[] }> {
	if (!can(ctx.actor, 'stock.view')) throw forbidden();
	const q = parseInput(movementsQuery, query);
	const home = await pharmacyClinic(db, ctx.clinicId);
	if (q.medicineId) await findMedicine(db, ctx.clinicId, q.medicineId);
	const conditions = [eq(stockMovement.clinicId, ctx.clinicId)];
	if (q.medicineId) conditions.push(eq(stockMovement.medicineId, q.medicineId));
	if (q.kind) conditions.push(eq(stockMovement.kind, q.kind));
	if (q.from) conditions.push(gte(stockMovement.createdAt, dayBounds(q.from, home.timezone).from));
	if (q.to) conditions.push(lt(stockMovement.createdAt, dayBounds(q.to, home.timezone).to));
	const rows = await db
		.select({ m: stockMovement, batchNumber: stockBatch.batchNumber, actorName: appUser.name, otherCode: clinic.code, otherName: clinic.name })
		.from(stockMovement)
		.innerJoin(stockBatch, eq(stockBatch.id, stockMovement.batchId))
		.innerJoin(appUser, eq(appUser.id, stockMovement.actorId))
		.leftJoin(otherHalf, and(eq(otherHalf.transferId, stockMovement.transferId), ne(otherHalf.id, stockMovement.id)))
		.leftJoin(clinic, eq(clinic.id, otherHalf.clinicId))
		.where(and(...conditions))
		.orderBy(desc(stockMovement.createdAt), desc(stockMovement.id))
		.limit(2000);
	return {
		movements: rows.map(({ m, batchNumber, actorName, otherCode, otherName }) => ({
			id: m.id,
			medicineId: m.medicineId,
			batchId: m.batchId,
			batchNumber,
			kind: m.kind,
			quantity: m.quantity,
			balanceAfter: m.balanceAfter,
			reason: m.reason,
			prescriptionId: m.prescriptionId,
			prescriptionLineId: m.prescriptionLineId,
			transferClinic: otherCode !== null && otherName !== null ? { code: otherCode, name: otherName } : null,
			actorId: m.actorId,
			actorName,
			at: m.createdAt.toISOString()
		}))
	};
}

export async function findSupplier(db: Reader, clinicId: string, supplierId: string) {
	if (!isUuid(supplierId)) throw badRequest('No such supplier', 'supplierId', 'field_invalid');
	const [row] = await db
		.select()
		.from(supplier)
		.where(and(eq(supplier.clinicId, clinicId), eq(supplier.id, supplierId)));
	if (!row) throw badRequest('No such supplier', 'supplierId', 'field_invalid');
	return row;
}
