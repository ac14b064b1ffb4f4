import { and, asc, eq, gt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { medicine, stockBatch, stockMovement, supplier } from '../db/schema';
import type { Db, Tx } from '../db';
import { optionalIdempotency, idempotencyKeyInput, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { forbidden } from '../errors';
import { parseInput } from '../validation';
import { withFieldCode } from '../fieldCodes';
import type { ClinicContext } from '../tenancy/context';
import type { ClinicActor } from '../tenancy/policy';
import { documentsChanged } from '../sync/changes';
import { documentName } from '../../sync/protocol';
import { addDays, clinicToday } from '../../time';
import { can } from './policy';
import { dispensable, fefoOrder } from './fefo';
import { findMedicine, pharmacyClinic } from './stock';

type Reader = Db | Tx;

/** The expiry alert bands the stock screen and the daily digest show: expired, then within 30, 60 or 90 days. */
export const EXPIRY_BANDS = [30, 60, 90] as const;
export type ExpiryBand = 'expired' | (typeof EXPIRY_BANDS)[number] | null;

/** Which alert band a batch expiring on `expiry` is in on `today` (null: more than 90 days left). */
export function expiryBand(expiry: string, today: string): ExpiryBand {
	if (expiry < today) return 'expired';
	for (const days of EXPIRY_BANDS) if (expiry <= addDays(today, days)) return days;
	return null;
}

/** Low stock: what may be dispensed has fallen to the reorder level (a medicine without one is never low). */
export const isLowStock = (dispensableOnHand: number, reorderLevel: number) => reorderLevel > 0 && dispensableOnHand <= reorderLevel;

export type InventoryBatch = {
	id: string;
	batchNumber: string;
	expiry: string;
	onHand: number;
	costPrice: number;
	salePrice: number;
	supplierId: string | null;
	dispensable: boolean;
	band: ExpiryBand;
};

export type InventoryMedicine = {
	id: string;
	genericName: string;
	brandNames: string[];
	form: string;
	strength: string;
	unit: string;
	onHand: number;
	dispensable: number;
	reorderLevel: number;
	reorderQuantity: number;
	low: boolean;
	batches: InventoryBatch[];
};

/**
 * The stock screen: every medicine of the catalogue that has stock or a reorder level, with its
 * batches in FEFO order (empty batches left out) and their alert bands.
 */
export async function stockOverview(db: Reader, ctx: ClinicContext, now = new Date()) {
	if (!can(ctx.actor, 'stock.view')) throw forbidden();
	const home = await pharmacyClinic(db, ctx.clinicId);
	const today = clinicToday(home.timezone, now);
	const meds = await db
		.select()
		.from(medicine)
		.where(
			and(
				eq(medicine.clinicId, ctx.clinicId),
				or(
					gt(medicine.reorderLevel, 0),
					sql`exists (select 1 from ${stockBatch} b where b.medicine_id = ${medicine.id} and b.clinic_id = ${ctx.clinicId} and b.on_hand > 0)`
				)
			)
		)
		.orderBy(asc(medicine.searchName), asc(medicine.form), asc(medicine.strength));
	const batches = await db
		.select()
		.from(stockBatch)
		.where(and(eq(stockBatch.clinicId, ctx.clinicId), gt(stockBatch.onHand, 0)));
	const byMedicine = new Map<string, typeof batches>();
	for (const b of batches) byMedicine.set(b.medicineId, [...(byMedicine.get(b.medicineId) ?? []), b]);
	const medicines: InventoryMedicine[] = meds.map((med) => {
		const list = fefoOrder(byMedicine.get(med.id) ?? []).map((b) => ({
			id: b.id,
			batchNumber: b.batchNumber,
			expiry: b.expiry,
			onHand: b.onHand,
			costPrice: b.costPrice,
			salePrice: b.salePrice,
			supplierId: b.supplierId,
			dispensable: dispensable(b, today, home.nearExpiryDays),
			band: expiryBand(b.expiry, today)
		}));
		const usable = list.filter((b) => b.dispensable).reduce((sum, b) => sum + b.onHand, 0);
		return {
			id: med.id,
			genericName: med.genericName,
			brandNames: med.brandNames,
			form: med.form,
			strength: med.strength,
			unit: med.unit,
			onHand: list.reduce((sum, b) => sum + b.onHand, 0),
			dispensable: usable,
			reorderLevel: med.reorderLevel,
			reorderQuantity: med.reorderQuantity,
			low: isLowStock(usable, med.reorderLevel),
			batches: list
		};
	});
	return { today, nearExpiryDays: home.nearExpiryDays, currency: home.currency, currencyExponent: home.currencyExponent, medicines };
}

/** The suppliers a delivery may come from (the receive form's select). */
export async function activeSuppliers(db: Reader, ctx: ClinicContext) {
	if (!can(ctx.actor, 'stock.receive')) throw forbidden();
	return db
		.select({ id: supplier.id, name: supplier.name })
		.from(supplier)
		.where(and(eq(supplier.clinicId, ctx.clinicId), eq(supplier.archived, false)))
		.orderBy(asc(supplier.name));
}

const reorderUnits = withFieldCode(z.number().int().min(0).max(1_000_000), 'units_invalid');

/** `PUT …/medicines/{id}/reorder` */
export const reorderInput = z.strictObject({
	reorderLevel: reorderUnits,
	reorderQuantity: reorderUnits,
	idempotencyKey: idempotencyKeyInput.optional()
});

/** Who keeps the reorder levels: those who manage the stock. */
export const canSetReorder = (actor: ClinicActor) => can(actor, 'stock.adjust');

/** Sets when a medicine counts as low on stock and how much to order then. */
export async function setReorderLevels(db: Db, ctx: ClinicContext, medicineId: string, input: unknown) {
	if (!canSetReorder(ctx.actor)) throw forbidden();
	const med = await findMedicine(db, ctx.clinicId, medicineId);
	const data = parseInput(reorderInput, input);
	const idempotency = optionalIdempotency(`medicine.reorder:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { medicineId, ...data });
	return runCommand(db, idempotency, async (tx) => {
		await tx
			.update(medicine)
			.set({ reorderLevel: data.reorderLevel, reorderQuantity: data.reorderQuantity })
			.where(and(eq(medicine.clinicId, ctx.clinicId), eq(medicine.id, med.id)));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'medicine.reorder',
			entityType: 'medicine',
			entityId: med.id,
			data: {
				reorderLevel: data.reorderLevel,
				reorderQuantity: data.reorderQuantity,
				before: { reorderLevel: med.reorderLevel, reorderQuantity: med.reorderQuantity }
			}
		});
		// Low-stock alerts depend on it: the stock screens follow the pharmacy document.
		await documentsChanged(tx, [documentName.pharmacy(ctx.clinicId)]);
		return { medicineId: med.id, reorderLevel: data.reorderLevel, reorderQuantity: data.reorderQuantity };
	});
}

export type StockAlerts = {
	lowStock: number;
	expired: number;
	within30: number;
	within60: number;
	within90: number;
	/** When stock last moved: screens that follow the pharmacy document refresh on any movement. */
	lastMovementAt: string | null;
};

/**
 * The counts behind the stock screen's alerts, published in `clinic/{id}/pharmacy` so the screen
 * updates live. Batches with stock count once, in their band (expired, within 30, 60 or 90 days).
 */
export async function stockAlerts(db: Reader, clinicId: string, now = new Date()): Promise<StockAlerts> {
	const home = await pharmacyClinic(db, clinicId);
	const today = clinicToday(home.timezone, now);
	const batches = await db
		.select({ medicineId: stockBatch.medicineId, expiry: stockBatch.expiry, onHand: stockBatch.onHand })
		.from(stockBatch)
		.where(and(eq(stockBatch.clinicId, clinicId), gt(stockBatch.onHand, 0)));
	const levels = await db
		.select({ id: medicine.id, reorderLevel: medicine.reorderLevel })
		.from(medicine)
		.where(and(eq(medicine.clinicId, clinicId), gt(medicine.reorderLevel, 0)));
	const firstUsable = addDays(today, home.nearExpiryDays);
	const usable = new Map<string, number>();
	const alerts: StockAlerts = { lowStock: 0, expired: 0, within30: 0, within60: 0, within90: 0, lastMovementAt: null };
	for (const b of batches) {
		if (b.expiry >= firstUsable) usable.set(b.medicineId, (usable.get(b.medicineId) ?? 0) + b.onHand);
		const band = expiryBand(b.expiry, today);
		if (band === 'expired') alerts.expired++;
		else if (band !== null) alerts[`within${band}`]++;
	}
	alerts.lowStock = levels.filter((l) => isLowStock(usable.get(l.id) ?? 0, l.reorderLevel)).length;
	const [last] = await db
		.select({ at: sql<string | null>`max(${stockMovement.createdAt})` })
		.from(stockMovement)
		.where(eq(stockMovement.clinicId, clinicId));
	alerts.lastMovementAt = last?.at ? new Date(last.at).toISOString() : null;
	return alerts;
}

/** The catalogue a delivery may be of (the receive form's select), in name order. */
export async function receivableMedicines(db: Reader, ctx: ClinicContext) {
	if (!can(ctx.actor, 'stock.receive')) throw forbidden();
	return db
		.select({ id: medicine.id, genericName: medicine.genericName, form: medicine.form, strength: medicine.strength })
		.from(medicine)
		.where(and(eq(medicine.clinicId, ctx.clinicId), eq(medicine.archived, false)))
		.orderBy(asc(medicine.searchName), asc(medicine.form), asc(medicine.strength))
		.limit(5000);
}
