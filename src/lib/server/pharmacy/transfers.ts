import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { medicine, stockBatch, type Medicine, type StockBatch } from '../db/schema';
import type { Db, Tx } from '../db';
import { requiredIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { badRequest, forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { documentsChanged } from '../sync/changes';
import { documentName } from '../../sync/protocol';
import { clinicToday } from '../../time';
import { referralClinics } from '../referrals/referrals';
import { can } from './policy';
import { ensureCatalogue } from './medicines';
import { lockBatches, moveStock, pharmacyClinic } from './stock';
import { transferInput } from './stockSchema';

type Reader = Db | Tx;
export type Branch = { id: string; code: string; name: string };

export type TransferResult = {
	transferId: string;
	quantity: number;
	from: { batchId: string; onHand: number };
	to: { clinic: string; medicineId: string; batchId: string; onHand: number };
};

const notABranch = () => badRequest('Stock goes only to a branch: another clinic with the same administrator', 'toClinic', 'transfer_clinic_invalid');

/** The clinics this clinic's stock may go to: its branches (an active administrator in common), not itself. */
async function branchesOf(db: Reader, clinicId: string): Promise<Branch[]> {
	return (await referralClinics(db, clinicId)).filter((c) => c.id !== clinicId);
}

/** The branches the Stock screen offers for "Transfer to a branch" (none for those who may not transfer). */
export async function transferBranches(db: Reader, ctx: ClinicContext): Promise<Branch[]> {
	if (!can(ctx.actor, 'stock.transfer')) return [];
	return branchesOf(db, ctx.clinicId);
}

/**
 * The branch's entry for a medicine: the same generic name, form and strength whatever the case
 * (as the catalogue copy matches), added to the branch's catalogue when it has none. Taken before
 * any stock row is locked: a second transfer adding the same medicine waits on the unique index,
 * holding nothing else.
 */
async function branchMedicine(tx: Tx, branchId: string, source: Medicine): Promise<string> {
	const same = and(
		eq(medicine.clinicId, branchId),
		sql`${medicine.searchName} = lower(${source.genericName})`,
		sql`lower(${medicine.form}) = lower(${source.form})`,
		sql`lower(${medicine.strength}) = lower(${source.strength})`
	);
	const [found] = await tx.select({ id: medicine.id }).from(medicine).where(same).orderBy(medicine.archived, medicine.createdAt).limit(1);
	if (found) return found.id;
	await tx
		.insert(medicine)
		.values({
			clinicId: branchId,
			genericName: source.genericName,
			brandNames: source.brandNames,
			form: source.form,
			strength: source.strength,
			route: source.route,
			atcCode: source.atcCode,
			dosageTemplates: source.dosageTemplates,
			unit: source.unit,
			source: 'copy'
		})
		.onConflictDoNothing();
	const [added] = await tx.select({ id: medicine.id }).from(medicine).where(same).limit(1);
	return added.id;
}

/**
 * Locks one medicine's row and then its batches in each clinic, the clinic with the lower id
 * first. Two transfers in opposite directions take the same rows in the same order, so one waits
 * for the other instead of deadlocking; the medicine row (`FOR NO KEY UPDATE`, which a movement's
 * foreign key does not wait for) makes two transfers into the same branch agree on one new batch.
 */
async function lockBothShelves(tx: Tx, sides: { clinicId: string; medicineId: string }[]): Promise<Map<string, StockBatch[]>> {
	const locked = new Map<string, StockBatch[]>();
	for (const side of [...sides].sort((a, b) => (a.clinicId < b.clinicId ? -1 : 1))) {
		await tx.select({ id: medicine.id }).from(medicine).where(eq(medicine.id, side.medicineId)).for('no key update');
		locked.set(side.clinicId, await lockBatches(tx, side.clinicId, [side.medicineId]));
	}
	return locked;
}

/**
 * `POST …/stock/transfers`: units of one batch leave this clinic for a branch, in one transaction:
 * a `transfer_out` movement here and a `transfer_in` there with the same `transferId`, into the
 * branch's batch of the same medicine, batch number and expiry (made when it has none, with the
 * same cost and sale price). A batch past its expiry is refused (`batch_expired`): it is written
 * off where it is, not moved; a batch near expiry may go to a branch that will use it sooner.
 * Never more than the batch holds (the `on_hand` CHECK, 409 `stock_short`).
 */
export async function transferStock(db: Db, ctx: ClinicContext, input: unknown, now = new Date()): Promise<TransferResult> {
	if (!can(ctx.actor, 'stock.transfer')) throw forbidden('Only the pharmacy and the administrator transfer stock');
	const data = parseInput(transferInput, input);
	const [batch] = await db
		.select()
		.from(stockBatch)
		.where(and(eq(stockBatch.clinicId, ctx.clinicId), eq(stockBatch.id, data.batchId)));
	if (!batch) throw notFound('No such batch');
	const branch = (await branchesOf(db, ctx.clinicId)).find((c) => c.code === data.toClinic);
	if (!branch) throw notABranch();
	const home = await pharmacyClinic(db, ctx.clinicId);
	if (batch.expiry < clinicToday(home.timezone, now)) throw badRequest('This batch has expired: write it off instead of moving it', 'batchId', 'batch_expired');
	const [source] = await db.select().from(medicine).where(eq(medicine.id, batch.medicineId));
	await ensureCatalogue(db, branch.id);
	const idempotency = requiredIdempotency(`stock.transfer:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { ...data, idempotencyKey: undefined });
	return runCommand(db, idempotency, async (tx) => {
		const medicineId = await branchMedicine(tx, branch.id, source);
		const shelves = await lockBothShelves(tx, [
			{ clinicId: ctx.clinicId, medicineId: batch.medicineId },
			{ clinicId: branch.id, medicineId }
		]);
		const transferId = randomUUID();
		const refs = { reason: data.reason, transferId };
		// Not enough in the batch: the `on_hand` CHECK refuses the `transfer_out` (409 `stock_short`).
		const out = await moveStock(tx, ctx, batch.id, 'transfer_out', -data.quantity, refs, now);
		const target =
			shelves.get(branch.id)?.find((b) => b.batchNumber === batch.batchNumber && b.expiry === batch.expiry) ??
			(await newBranchBatch(tx, ctx, branch.id, medicineId, batch, data.quantity, now));
		const into = await moveStock(tx, { ...ctx, clinicId: branch.id }, target.id, 'transfer_in', data.quantity, refs, now);
		const audit = {
			from: ctx.clinicId,
			to: branch.id,
			batchId: batch.id,
			toBatchId: target.id,
			medicineId: batch.medicineId,
			quantity: data.quantity,
			reason: data.reason
		};
		for (const clinicId of [ctx.clinicId, branch.id]) {
			await appendAudit(tx, {
				clinicId,
				actorUserId: ctx.actor.userId,
				action: 'stock.transfer',
				entityType: 'stock_transfer',
				entityId: transferId,
				data: audit
			});
		}
		await documentsChanged(tx, [documentName.pharmacy(ctx.clinicId), documentName.pharmacy(branch.id)]);
		return {
			transferId,
			quantity: data.quantity,
			from: { batchId: batch.id, onHand: out.balanceAfter },
			to: { clinic: branch.code, medicineId, batchId: target.id, onHand: into.balanceAfter }
		};
	});
}

/** The branch's copy of a batch it did not have: same number, expiry and prices; empty until the `transfer_in`. */
async function newBranchBatch(tx: Tx, ctx: ClinicContext, branchId: string, medicineId: string, from: StockBatch, quantity: number, now: Date) {
	const [row] = await tx
		.insert(stockBatch)
		.values({
			clinicId: branchId,
			medicineId,
			batchNumber: from.batchNumber,
			expiry: from.expiry,
			costPrice: from.costPrice,
			salePrice: from.salePrice,
			receivedQuantity: quantity,
			onHand: 0,
			receivedBy: ctx.actor.userId,
			receivedAt: now
		})
		.returning();
	return row;
}
