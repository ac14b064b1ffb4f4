import { z } from 'zod';
import { and, asc, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import { medicine, stockBatch, stockCount, stockCountLine, stockMovement } from '../db/schema';
import type { Db, Tx } from '../db';
import { idempotencyKeyInput, optionalIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { badRequest, conflict, forbidden, notFound } from '../errors';
import { withFieldCode } from '../fieldCodes';
import { parseInput } from '../validation';
import { isUuid, uuid } from '../text';
import type { ClinicContext } from '../tenancy/context';
import { documentsChanged } from '../sync/changes';
import { documentName } from '../../sync/protocol';
import { can } from './policy';
import { lockBatches, moveStock } from './stock';

/*
 * A stock count (docs/ARCHITECTURE.md, "Pharmacy and stock"). Starting one snapshots every batch
 * with stock as its lines (`expected`); the pharmacist enters what is on the shelf (`counted`,
 * saved as they go); posting turns each difference into an `adjusted` movement (reason
 * `stock_count`) in one transaction. The difference is taken against on hand at posting, under
 * the batches' locks, so a dispense between the start and the post is not counted twice: the
 * counted figure becomes the batch's on hand.
 *
 * Lock order when posting: the count row, then the batches (`lockBatches`: medicine, FEFO), then
 * the audit chain — the same batch order dispensing and receiving use.
 */

type Reader = Db | Tx;

export const startCountInput = z.strictObject({ idempotencyKey: idempotencyKeyInput.optional() });
export const countLinesInput = z.strictObject({
	lines: z
		.array(
			z.strictObject({
				batchId: uuid(),
				counted: withFieldCode(z.number().int().min(0).max(1_000_000).nullable(), 'units_invalid')
			})
		)
		.min(1)
		.max(2000)
});
export const postCountInput = z.strictObject({ idempotencyKey: idempotencyKeyInput.optional() });

const countState = (message: string) => conflict(message, 'stock_count_state');

export type StockCountLineView = {
	batchId: string;
	medicineId: string;
	medicineName: string;
	batchNumber: string;
	expiry: string;
	expected: number;
	counted: number | null;
	/** On hand now (moved since the start when it differs from `expected`). */
	onHand: number;
	/** What posting would move: counted − on hand now (null until counted). */
	difference: number | null;
};

export type StockCountView = {
	id: string;
	status: 'open' | 'posted' | 'cancelled';
	createdAt: string;
	postedAt: string | null;
	lines: StockCountLineView[];
	/** The movements posting made (empty until posted). */
	adjustments: { batchId: string; quantity: number; balanceAfter: number }[];
};

async function findCount(db: Reader, clinicId: string, countId: string, lock = false) {
	if (!isUuid(countId)) throw notFound('No such stock count');
	const query = db
		.select()
		.from(stockCount)
		.where(and(eq(stockCount.clinicId, clinicId), eq(stockCount.id, countId)));
	const [row] = lock ? await query.for('update') : await query;
	if (!row) throw notFound('No such stock count');
	return row;
}

/** `POST …/stock-counts`: a new count, its lines every batch that has stock now. */
export async function startStockCount(db: Db, ctx: ClinicContext, input: unknown, now = new Date()): Promise<StockCountView> {
	if (!can(ctx.actor, 'stock.adjust')) throw forbidden();
	const data = parseInput(startCountInput, input);
	const idempotency = optionalIdempotency(`stock.count:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, {});
	const id = await runCommand(db, idempotency, async (tx) => {
		const [count] = await tx.insert(stockCount).values({ clinicId: ctx.clinicId, createdBy: ctx.actor.userId, createdAt: now }).returning();
		const batches = await tx
			.select({ id: stockBatch.id, onHand: stockBatch.onHand })
			.from(stockBatch)
			.where(and(eq(stockBatch.clinicId, ctx.clinicId), gt(stockBatch.onHand, 0)));
		if (batches.length > 0)
			await tx.insert(stockCountLine).values(batches.map((b) => ({ stockCountId: count.id, batchId: b.id, expected: b.onHand, updatedAt: now })));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'stock.count.start',
			entityType: 'stock_count',
			entityId: count.id,
			data: { lines: batches.length }
		});
		return count.id;
	});
	return stockCountView(db, ctx, id);
}

/** `GET …/stock-counts/{id}`: the lines with what is on hand now, and what posting moved. */
export async function stockCountView(db: Reader, ctx: ClinicContext, countId: string): Promise<StockCountView> {
	if (!can(ctx.actor, 'stock.view')) throw forbidden();
	const count = await findCount(db, ctx.clinicId, countId);
	const lines = await db
		.select({
			batchId: stockCountLine.batchId,
			expected: stockCountLine.expected,
			counted: stockCountLine.counted,
			medicineId: stockBatch.medicineId,
			genericName: medicine.genericName,
			form: medicine.form,
			strength: medicine.strength,
			batchNumber: stockBatch.batchNumber,
			expiry: stockBatch.expiry,
			onHand: stockBatch.onHand
		})
		.from(stockCountLine)
		.innerJoin(stockBatch, eq(stockBatch.id, stockCountLine.batchId))
		.innerJoin(medicine, eq(medicine.id, stockBatch.medicineId))
		.where(eq(stockCountLine.stockCountId, count.id))
		.orderBy(asc(medicine.genericName), asc(medicine.strength), asc(stockBatch.expiry), asc(stockBatch.id));
	const adjustments = await db
		.select({ batchId: stockMovement.batchId, quantity: stockMovement.quantity, balanceAfter: stockMovement.balanceAfter })
		.from(stockMovement)
		.where(and(eq(stockMovement.clinicId, ctx.clinicId), eq(stockMovement.stockCountId, count.id)))
		.orderBy(asc(stockMovement.createdAt), asc(stockMovement.id));
	return {
		id: count.id,
		status: count.status,
		createdAt: count.createdAt.toISOString(),
		postedAt: count.postedAt?.toISOString() ?? null,
		lines: lines.map((l) => ({
			batchId: l.batchId,
			medicineId: l.medicineId,
			medicineName: [l.genericName, l.strength, l.form].filter(Boolean).join(' '),
			batchNumber: l.batchNumber,
			expiry: l.expiry,
			expected: l.expected,
			counted: l.counted,
			onHand: l.onHand,
			difference: l.counted === null || count.status !== 'open' ? null : l.counted - l.onHand
		})),
		adjustments
	};
}

/** The clinic's counts, newest first (the screen picks the open one). */
export async function recentStockCounts(db: Reader, ctx: ClinicContext, limit = 20) {
	if (!can(ctx.actor, 'stock.view')) throw forbidden();
	return db
		.select({ id: stockCount.id, status: stockCount.status, createdAt: stockCount.createdAt, postedAt: stockCount.postedAt })
		.from(stockCount)
		.where(eq(stockCount.clinicId, ctx.clinicId))
		.orderBy(desc(stockCount.createdAt))
		.limit(limit);
}

/** `PUT …/stock-counts/{id}/lines`: counted quantities (null clears one); only while the count is open. */
export async function saveCountedLines(db: Db, ctx: ClinicContext, countId: string, input: unknown, now = new Date()): Promise<StockCountView> {
	if (!can(ctx.actor, 'stock.adjust')) throw forbidden();
	const data = parseInput(countLinesInput, input);
	await runCommand(db, null, async (tx) => {
		const count = await findCount(tx, ctx.clinicId, countId, true);
		if (count.status !== 'open') throw countState('This stock count is no longer open');
		const batchIds = [...new Set(data.lines.map((l) => l.batchId))];
		const known = await tx
			.select({ batchId: stockCountLine.batchId })
			.from(stockCountLine)
			.where(and(eq(stockCountLine.stockCountId, count.id), inArray(stockCountLine.batchId, batchIds)));
		if (known.length !== batchIds.length) throw badRequest('A batch is not part of this count', 'lines', 'field_invalid');
		for (const line of data.lines) {
			await tx
				.update(stockCountLine)
				.set({ counted: line.counted, updatedAt: now })
				.where(and(eq(stockCountLine.stockCountId, count.id), eq(stockCountLine.batchId, line.batchId)));
		}
	});
	return stockCountView(db, ctx, countId);
}

/**
 * `POST …/stock-counts/{id}/post`: every counted line whose batch differs from its count becomes an
 * `adjusted` movement, all in one transaction. Posting a posted count again answers what it did.
 */
export async function postStockCount(db: Db, ctx: ClinicContext, countId: string, input: unknown, now = new Date()): Promise<StockCountView> {
	if (!can(ctx.actor, 'stock.adjust')) throw forbidden();
	const data = parseInput(postCountInput, input);
	const idempotency = optionalIdempotency(`stock.count.post:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { countId });
	await runCommand(db, idempotency, async (tx) => {
		const count = await findCount(tx, ctx.clinicId, countId, true);
		if (count.status === 'posted') return;
		if (count.status !== 'open') throw countState('This stock count was cancelled');
		const counted = await tx
			.select({ batchId: stockCountLine.batchId, counted: stockCountLine.counted, medicineId: stockBatch.medicineId })
			.from(stockCountLine)
			.innerJoin(stockBatch, eq(stockBatch.id, stockCountLine.batchId))
			.where(and(eq(stockCountLine.stockCountId, count.id), sql`${stockCountLine.counted} IS NOT NULL`));
		const wanted = new Map(counted.map((l) => [l.batchId, l.counted ?? 0]));
		const locked = await lockBatches(tx, ctx.clinicId, [...new Set(counted.map((l) => l.medicineId))]);
		let moved = 0;
		for (const batch of locked) {
			const target = wanted.get(batch.id);
			if (target === undefined || target === batch.onHand) continue;
			await moveStock(tx, ctx, batch.id, 'adjusted', target - batch.onHand, { reason: 'stock_count', stockCountId: count.id }, now);
			moved += 1;
		}
		await tx.update(stockCount).set({ status: 'posted', postedBy: ctx.actor.userId, postedAt: now }).where(eq(stockCount.id, count.id));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'stock.count.post',
			entityType: 'stock_count',
			entityId: count.id,
			data: { counted: counted.length, adjusted: moved }
		});
		if (moved > 0) await documentsChanged(tx, [documentName.pharmacy(ctx.clinicId)]);
	});
	return stockCountView(db, ctx, countId);
}

/** `POST …/stock-counts/{id}/cancel`: an open count is dropped (nothing moves); a posted one cannot be. */
export async function cancelStockCount(db: Db, ctx: ClinicContext, countId: string): Promise<StockCountView> {
	if (!can(ctx.actor, 'stock.adjust')) throw forbidden();
	await runCommand(db, null, async (tx) => {
		const count = await findCount(tx, ctx.clinicId, countId, true);
		if (count.status === 'cancelled') return;
		if (count.status === 'posted') throw countState('This stock count has been posted');
		await tx.update(stockCount).set({ status: 'cancelled' }).where(eq(stockCount.id, count.id));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'stock.count.cancel',
			entityType: 'stock_count',
			entityId: count.id,
			data: {}
		});
	});
	return stockCountView(db, ctx, countId);
}
