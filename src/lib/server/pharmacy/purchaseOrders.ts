import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { appUser, medicine, purchaseOrder, purchaseOrderLine, stockBatch, supplier } from '../db/schema';
import type { Db, Tx } from '../db';
import { optionalIdempotency, requiredIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, badRequest, conflict, forbidden, notFound } from '../errors';
import { isCheckViolation } from '../db/errors';
import { parseInput } from '../validation';
import { isUuid } from '../text';
import type { ClinicContext } from '../tenancy/context';
import { formatRef, nextNumber } from '../tenancy/counters';
import { currencyOf, formatMajorAmount } from '../tenancy/money';
import { documentsChanged } from '../sync/changes';
import { documentName } from '../../sync/protocol';
import { clinicToday } from '../../time';
import { can } from './policy';
import { dispensableOnHand, findSupplier, insertReceivedBatch, lockBatches, pharmacyClinic } from './stock';
import { lowStockOrderInput, orderStepInput, purchaseOrderInput, purchaseOrderPatch, purchaseOrderQuery, receiveOrderInput } from './purchasingSchema';

/*
 * Purchase orders (docs/ARCHITECTURE.md, "Pharmacy and stock"): a draft is written by hand or
 * from everything at or below its reorder level, edited while a draft, marked ordered, and
 * received fully or in parts into new batches. Receiving takes its locks in the order every
 * stock command uses: the purchase_order row (`FOR UPDATE`: one receipt at a time per order, so
 * two people receiving the same delivery never take in more than was ordered), then the batches
 * of its medicines (`lockBatches`), then the audit chain (runCommand, last). The CHECK
 * `received <= quantity` on `purchase_order_line` has the last word either way.
 */

type Reader = Db | Tx;
export type PurchaseOrderStatus = (typeof purchaseOrder.$inferSelect)['status'];

/** The counter and the letter of a purchase order's number: `SHF01-PO1000`. */
const COUNTER = 'PO';

export type PurchaseOrderLineView = {
	id: string;
	medicineId: string;
	medicine: string;
	unit: string;
	quantity: number;
	received: number;
	costPrice: number;
};

export type PurchaseOrderView = {
	id: string;
	ref: string;
	status: PurchaseOrderStatus;
	supplier: { id: string; name: string; phone: string; email: string; address: string };
	note: string;
	createdBy: string;
	createdAt: string;
	updatedAt: string;
	/** Expected cost of the whole order, minor units. */
	total: number;
	lines: PurchaseOrderLineView[];
};

export type PurchaseOrderSummary = Omit<PurchaseOrderView, 'lines' | 'supplier'> & { supplier: { id: string; name: string }; lineCount: number };

export const purchaseOrderState = (message = 'This purchase order cannot be changed that way any more') => conflict(message, 'purchase_order_state');

export const medicineLabel = (m: { genericName: string; strength: string; form: string }) =>
	[m.genericName, m.strength, m.form ? `(${m.form})` : ''].filter(Boolean).join(' ');

const receiveExceeds = (field: string) => new AppError('receive_exceeds', 400, 'More is being received than is still to come on this line', field);

function canManage(ctx: ClinicContext) {
	if (!can(ctx.actor, 'supplier.manage')) throw forbidden();
}

async function orderRow(db: Reader, ctx: ClinicContext, orderId: string) {
	if (!isUuid(orderId)) throw notFound('No such purchase order');
	const [row] = await db
		.select()
		.from(purchaseOrder)
		.where(and(eq(purchaseOrder.clinicId, ctx.clinicId), eq(purchaseOrder.id, orderId)));
	if (!row) throw notFound('No such purchase order');
	return row;
}

/** Locks the order row: the first lock of every command that changes an order. */
async function lockOrder(tx: Tx, ctx: ClinicContext, orderId: string) {
	const [row] = await tx
		.select()
		.from(purchaseOrder)
		.where(and(eq(purchaseOrder.clinicId, ctx.clinicId), eq(purchaseOrder.id, orderId)))
		.for('update');
	if (!row) throw notFound('No such purchase order');
	return row;
}

async function orderLines(db: Reader, orderId: string): Promise<PurchaseOrderLineView[]> {
	const rows = await db
		.select({ l: purchaseOrderLine, genericName: medicine.genericName, strength: medicine.strength, form: medicine.form, unit: medicine.unit })
		.from(purchaseOrderLine)
		.innerJoin(medicine, eq(medicine.id, purchaseOrderLine.medicineId))
		.where(eq(purchaseOrderLine.purchaseOrderId, orderId))
		.orderBy(asc(medicine.genericName), asc(medicine.strength), asc(purchaseOrderLine.id));
	return rows.map(({ l, genericName, strength, form, unit }) => ({
		id: l.id,
		medicineId: l.medicineId,
		medicine: medicineLabel({ genericName, strength, form }),
		unit: unit || form,
		quantity: l.quantity,
		received: l.received,
		costPrice: l.costPrice
	}));
}

async function present(db: Reader, clinicCode: string, row: typeof purchaseOrder.$inferSelect): Promise<PurchaseOrderView> {
	const [s] = await db.select().from(supplier).where(eq(supplier.id, row.supplierId));
	const lines = await orderLines(db, row.id);
	return {
		id: row.id,
		ref: formatRef(clinicCode, COUNTER, row.refNo),
		status: row.status,
		supplier: { id: s.id, name: s.name, phone: s.phone, email: s.email, address: s.address },
		note: row.note,
		createdBy: row.createdBy,
		createdAt: row.createdAt.toISOString(),
		updatedAt: row.updatedAt.toISOString(),
		total: lines.reduce((sum, l) => sum + l.quantity * l.costPrice, 0),
		lines
	};
}

/** `GET …/purchase-orders?status=`: newest first (at most 500). */
export async function listPurchaseOrders(db: Reader, ctx: ClinicContext, query: unknown = {}): Promise<{ orders: PurchaseOrderSummary[] }> {
	canManage(ctx);
	const q = parseInput(purchaseOrderQuery, query);
	const home = await pharmacyClinic(db, ctx.clinicId);
	const conditions = [eq(purchaseOrder.clinicId, ctx.clinicId)];
	if (q.status) conditions.push(eq(purchaseOrder.status, q.status));
	const rows = await db
		.select({
			o: purchaseOrder,
			supplierName: supplier.name,
			lineCount: sql<number>`(SELECT count(*)::int FROM ${purchaseOrderLine} WHERE ${purchaseOrderLine.purchaseOrderId} = ${purchaseOrder.id})`,
			total: sql<number>`(SELECT coalesce(sum(${purchaseOrderLine.quantity} * ${purchaseOrderLine.costPrice}), 0)::bigint FROM ${purchaseOrderLine} WHERE ${purchaseOrderLine.purchaseOrderId} = ${purchaseOrder.id})`
		})
		.from(purchaseOrder)
		.innerJoin(supplier, eq(supplier.id, purchaseOrder.supplierId))
		.where(and(...conditions))
		.orderBy(desc(purchaseOrder.refNo))
		.limit(500);
	return {
		orders: rows.map(({ o, supplierName, lineCount, total }) => ({
			id: o.id,
			ref: formatRef(home.code, COUNTER, o.refNo),
			status: o.status,
			supplier: { id: o.supplierId, name: supplierName },
			note: o.note,
			createdBy: o.createdBy,
			createdAt: o.createdAt.toISOString(),
			updatedAt: o.updatedAt.toISOString(),
			total: Number(total),
			lineCount: Number(lineCount)
		}))
	};
}

/** `GET …/purchase-orders/{id}` */
export async function getPurchaseOrder(db: Reader, ctx: ClinicContext, orderId: string): Promise<PurchaseOrderView> {
	canManage(ctx);
	const row = await orderRow(db, ctx, orderId);
	const home = await pharmacyClinic(db, ctx.clinicId);
	return present(db, home.code, row);
}

/** A supplier that may take a new order: this clinic's and not archived. */
async function activeSupplier(db: Reader, clinicId: string, supplierId: string) {
	const s = await findSupplier(db, clinicId, supplierId);
	if (s.archived) throw badRequest('This supplier is archived', 'supplierId', 'field_invalid');
	return s;
}

async function checkMedicines(db: Reader, clinicId: string, ids: string[]) {
	const found = await db
		.select({ id: medicine.id })
		.from(medicine)
		.where(and(eq(medicine.clinicId, clinicId), inArray(medicine.id, ids)));
	const known = new Set(found.map((r) => r.id));
	const missing = ids.findIndex((id) => !known.has(id));
	if (missing >= 0) throw badRequest('No such medicine', `lines.${missing}.medicineId`, 'field_invalid');
}

async function insertOrder(
	tx: Tx,
	ctx: ClinicContext,
	supplierId: string,
	note: string,
	lines: { medicineId: string; quantity: number; costPrice: number }[],
	now: Date,
	source: 'manual' | 'low_stock'
) {
	const refNo = await nextNumber(tx, ctx.clinicId, COUNTER);
	const [row] = await tx
		.insert(purchaseOrder)
		.values({ clinicId: ctx.clinicId, refNo, supplierId, note, createdBy: ctx.actor.userId, createdAt: now, updatedAt: now })
		.returning();
	await tx.insert(purchaseOrderLine).values(lines.map((l) => ({ purchaseOrderId: row.id, ...l })));
	await appendAudit(tx, {
		clinicId: ctx.clinicId,
		actorUserId: ctx.actor.userId,
		action: 'purchase_order.create',
		entityType: 'purchase_order',
		entityId: row.id,
		data: { refNo, supplierId, source, lines }
	});
	return row;
}

/** `POST …/purchase-orders`: a draft order by hand. */
export async function createPurchaseOrder(db: Db, ctx: ClinicContext, input: unknown, now = new Date()): Promise<PurchaseOrderView> {
	canManage(ctx);
	const data = parseInput(purchaseOrderInput, input);
	await activeSupplier(db, ctx.clinicId, data.supplierId);
	await checkMedicines(
		db,
		ctx.clinicId,
		data.lines.map((l) => l.medicineId)
	);
	const idempotency = optionalIdempotency(`purchase_order.create:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, data);
	const row = await runCommand(db, idempotency, (tx) => insertOrder(tx, ctx, data.supplierId, data.note, data.lines, now, 'manual').then((r) => r.id));
	return getPurchaseOrder(db, ctx, row);
}

/**
 * What is at or below its reorder level today: medicines with a reorder level whose dispensable
 * on hand (not expired, not too close to expiry) is at most that level. Each is ordered in its
 * reorder quantity, or up to its level when it has none (the level itself when it sits exactly
 * on it), at the cost of its latest delivery.
 */
export async function lowStockLines(db: Reader, clinicId: string, now = new Date()) {
	const meds = await db
		.select({ id: medicine.id, reorderLevel: medicine.reorderLevel, reorderQuantity: medicine.reorderQuantity })
		.from(medicine)
		.where(and(eq(medicine.clinicId, clinicId), eq(medicine.archived, false), sql`${medicine.reorderLevel} > 0`));
	if (meds.length === 0) return [];
	const onHand = await dispensableOnHand(
		db,
		clinicId,
		meds.map((m) => m.id),
		now
	);
	const low = meds.filter((m) => (onHand.get(m.id) ?? 0) <= m.reorderLevel);
	if (low.length === 0) return [];
	const costs = await db
		.select({ medicineId: stockBatch.medicineId, costPrice: stockBatch.costPrice })
		.from(stockBatch)
		.where(
			and(
				eq(stockBatch.clinicId, clinicId),
				inArray(
					stockBatch.medicineId,
					low.map((m) => m.id)
				)
			)
		)
		.orderBy(desc(stockBatch.receivedAt), desc(stockBatch.id));
	const lastCost = new Map<string, number>();
	for (const c of costs) if (!lastCost.has(c.medicineId)) lastCost.set(c.medicineId, c.costPrice);
	return low.map((m) => {
		const short = m.reorderLevel - (onHand.get(m.id) ?? 0);
		return { medicineId: m.id, quantity: m.reorderQuantity > 0 ? m.reorderQuantity : short > 0 ? short : m.reorderLevel, costPrice: lastCost.get(m.id) ?? 0 };
	});
}

/** `POST …/purchase-orders/from-low-stock`: a draft of everything at or below its reorder level (409 `nothing_to_order` when nothing is). */
export async function orderFromLowStock(db: Db, ctx: ClinicContext, input: unknown, now = new Date()): Promise<PurchaseOrderView> {
	canManage(ctx);
	const data = parseInput(lowStockOrderInput, input);
	await activeSupplier(db, ctx.clinicId, data.supplierId);
	const idempotency = optionalIdempotency(`purchase_order.low_stock:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, data);
	const id = await runCommand(db, idempotency, async (tx) => {
		const lines = await lowStockLines(tx, ctx.clinicId, now);
		if (lines.length === 0) throw conflict('Nothing is at or below its reorder level', 'nothing_to_order');
		return (await insertOrder(tx, ctx, data.supplierId, data.note, lines, now, 'low_stock')).id;
	});
	return getPurchaseOrder(db, ctx, id);
}

/** `PATCH …/purchase-orders/{id}`: a draft's supplier, note or lines; anything else is 409 `purchase_order_state`. */
export async function updatePurchaseOrder(db: Db, ctx: ClinicContext, orderId: string, input: unknown, now = new Date()): Promise<PurchaseOrderView> {
	canManage(ctx);
	await orderRow(db, ctx, orderId);
	const data = parseInput(purchaseOrderPatch, input);
	if (data.supplierId) await activeSupplier(db, ctx.clinicId, data.supplierId);
	if (data.lines)
		await checkMedicines(
			db,
			ctx.clinicId,
			data.lines.map((l) => l.medicineId)
		);
	await runCommand(db, null, async (tx) => {
		const row = await lockOrder(tx, ctx, orderId);
		if (row.status !== 'draft') throw purchaseOrderState('Only a draft purchase order can be edited');
		await tx
			.update(purchaseOrder)
			.set({ supplierId: data.supplierId ?? row.supplierId, note: data.note ?? row.note, updatedAt: now })
			.where(eq(purchaseOrder.id, row.id));
		if (data.lines) {
			await tx.delete(purchaseOrderLine).where(eq(purchaseOrderLine.purchaseOrderId, row.id));
			await tx.insert(purchaseOrderLine).values(data.lines.map((l) => ({ purchaseOrderId: row.id, ...l })));
		}
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'purchase_order.update',
			entityType: 'purchase_order',
			entityId: row.id,
			data: { supplierId: data.supplierId, note: data.note, lines: data.lines }
		});
	});
	return getPurchaseOrder(db, ctx, orderId);
}

const STEPS = {
	order: { from: ['draft'], to: 'ordered', message: 'Only a draft purchase order can be marked ordered' },
	cancel: { from: ['draft', 'ordered'], to: 'cancelled', message: 'Only a draft or ordered purchase order with nothing received can be cancelled' }
} as const satisfies Record<string, { from: readonly PurchaseOrderStatus[]; to: PurchaseOrderStatus; message: string }>;

/** `POST …/purchase-orders/{id}/order` (a draft was sent to the supplier) and `…/cancel` (a draft or an ordered order nothing of which came). */
export async function stepPurchaseOrder(
	db: Db,
	ctx: ClinicContext,
	orderId: string,
	step: keyof typeof STEPS,
	input: unknown,
	now = new Date()
): Promise<PurchaseOrderView> {
	canManage(ctx);
	await orderRow(db, ctx, orderId);
	const data = parseInput(orderStepInput, input);
	const rule = STEPS[step];
	const idempotency = optionalIdempotency(`purchase_order.${step}:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { orderId });
	await runCommand(db, idempotency, async (tx) => {
		const row = await lockOrder(tx, ctx, orderId);
		if (!(rule.from as readonly PurchaseOrderStatus[]).includes(row.status)) throw purchaseOrderState(rule.message);
		await tx.update(purchaseOrder).set({ status: rule.to, updatedAt: now }).where(eq(purchaseOrder.id, row.id));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: `purchase_order.${step}`,
			entityType: 'purchase_order',
			entityId: row.id,
			data: { from: row.status, to: rule.to }
		});
		return { id: row.id };
	});
	return getPurchaseOrder(db, ctx, orderId);
}

export type ReceiptView = {
	orderId: string;
	status: PurchaseOrderStatus;
	batches: { lineId: string; batchId: string; medicineId: string; batchNumber: string; quantity: number }[];
	lines: { lineId: string; quantity: number; received: number }[];
};

/**
 * `POST …/purchase-orders/{id}/receive`: what arrived, each part into a new batch with a
 * `received` movement naming the order, in one transaction. A line never takes in more than was
 * ordered (400 `receive_exceeds`), however many receipts race for it; the order becomes
 * `partly_received`, then `received` when every line is in.
 */
export async function receivePurchaseOrder(db: Db, ctx: ClinicContext, orderId: string, input: unknown, now = new Date()): Promise<ReceiptView> {
	if (!can(ctx.actor, 'supplier.manage') || !can(ctx.actor, 'stock.receive')) throw forbidden();
	await orderRow(db, ctx, orderId);
	const data = parseInput(receiveOrderInput, input);
	const home = await pharmacyClinic(db, ctx.clinicId);
	const today = clinicToday(home.timezone, now);
	const expired = data.lines.findIndex((l) => l.expiry < today);
	if (expired >= 0) throw badRequest('This batch has already expired', `lines.${expired}.expiry`, 'batch_expired');
	const idempotency = requiredIdempotency(`purchase_order.receive:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { orderId, lines: data.lines });
	return runCommand(db, idempotency, async (tx) => {
		// 1. the order row; 2. the batches of its medicines; 3. the audit chain (runCommand).
		const row = await lockOrder(tx, ctx, orderId);
		if (row.status !== 'ordered' && row.status !== 'partly_received')
			throw purchaseOrderState('Only an ordered purchase order can be received; mark it ordered first');
		const lines = await tx.select().from(purchaseOrderLine).where(eq(purchaseOrderLine.purchaseOrderId, row.id));
		const byId = new Map(lines.map((l) => [l.id, l]));
		const taking = new Map<string, number>();
		data.lines.forEach((part, i) => {
			const line = byId.get(part.lineId);
			if (!line) throw badRequest('This line is not on this purchase order', `lines.${i}.lineId`, 'field_invalid');
			const total = (taking.get(line.id) ?? 0) + part.quantity;
			if (line.received + total > line.quantity) throw receiveExceeds(`lines.${i}.quantity`);
			taking.set(line.id, total);
		});
		await lockBatches(tx, ctx.clinicId, [...new Set(lines.filter((l) => taking.has(l.id)).map((l) => l.medicineId))].sort());
		const batches: ReceiptView['batches'] = [];
		for (const part of data.lines) {
			const line = byId.get(part.lineId)!;
			const batch = await insertReceivedBatch(tx, ctx, line.medicineId, { ...part, supplierId: row.supplierId }, now, row.id);
			batches.push({ lineId: line.id, batchId: batch.id, medicineId: line.medicineId, batchNumber: batch.batchNumber, quantity: part.quantity });
		}
		const after: ReceiptView['lines'] = [];
		for (const line of lines) {
			const more = taking.get(line.id) ?? 0;
			if (more > 0) {
				try {
					await tx
						.update(purchaseOrderLine)
						.set({ received: sql`${purchaseOrderLine.received} + ${more}` })
						.where(eq(purchaseOrderLine.id, line.id));
				} catch (e) {
					if (isCheckViolation(e, 'purchase_order_line_quantity')) throw receiveExceeds('lines');
					throw e;
				}
			}
			after.push({ lineId: line.id, quantity: line.quantity, received: line.received + more });
		}
		const status: PurchaseOrderStatus = after.every((l) => l.received >= l.quantity) ? 'received' : 'partly_received';
		await tx.update(purchaseOrder).set({ status, updatedAt: now }).where(eq(purchaseOrder.id, row.id));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'purchase_order.receive',
			entityType: 'purchase_order',
			entityId: row.id,
			data: { from: row.status, to: status, batches: batches.map((b) => ({ lineId: b.lineId, batchId: b.batchId, quantity: b.quantity })) }
		});
		await documentsChanged(tx, [documentName.pharmacy(ctx.clinicId)]);
		return { orderId: row.id, status, batches, lines: after };
	});
}

/** A CSV cell: quoted when it must be, and never read as a formula by a spreadsheet. */
export function csvCell(value: string | number): string {
	let text = String(value);
	if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export type CsvLabels = { medicine: string; unit: string; quantity: string; received: string; costPrice: string; lineTotal: string };

/** `GET …/purchase-orders/{id}/csv`: one row per line, amounts in major units of the clinic's currency. */
export async function purchaseOrderCsv(db: Reader, ctx: ClinicContext, orderId: string, labels: CsvLabels): Promise<{ ref: string; csv: string }> {
	const order = await getPurchaseOrder(db, ctx, orderId);
	const currency = currencyOf(await pharmacyClinic(db, ctx.clinicId));
	const rows: (string | number)[][] = [
		[labels.medicine, labels.unit, labels.quantity, labels.received, `${labels.costPrice} (${currency.code})`, `${labels.lineTotal} (${currency.code})`],
		...order.lines.map((l) => [
			l.medicine,
			l.unit,
			l.quantity,
			l.received,
			formatMajorAmount(l.costPrice, currency),
			formatMajorAmount(l.costPrice * l.quantity, currency)
		])
	];
	return { ref: order.ref, csv: '\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n' };
}

/** Who wrote the order, for its printout. */
export async function authorName(db: Reader, userId: string): Promise<string> {
	const [row] = await db.select({ name: appUser.name }).from(appUser).where(eq(appUser.id, userId));
	return row?.name ?? '';
}
