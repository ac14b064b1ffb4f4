import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { clinic, medicine, outboxEvent, stockBatch } from '../db/schema';
import type { Db, Tx } from '../db';
import { runCommand } from '../command';
import { emit } from '../notifications/outbox';
import { addDays, clinicToday, wallClock } from '../../time';
import { EXPIRY_BANDS, expiryBand, isLowStock, type ExpiryBand } from './inventory';
import { startPeriodic } from '../platform/periodic';

type Reader = Db | Tx;

export type StockDigest = {
	low: { name: string; dispensable: number; reorderLevel: number; unit: string }[];
	expiring: { name: string; batchNumber: string; expiry: string; onHand: number; band: Exclude<ExpiryBand, null> }[];
};

/**
 * What the daily stock digest says of one clinic on its `today`: medicines at or below their
 * reorder level, and batches with stock expired or expiring within 90 days (first expiry first).
 * A system reader for the digest job and its email, not a screen: it takes no actor.
 */
export async function stockDigestOf(db: Reader, clinicId: string, today: string, nearExpiryDays: number): Promise<StockDigest> {
	const rows = await db
		.select({
			medicineId: medicine.id,
			genericName: medicine.genericName,
			strength: medicine.strength,
			form: medicine.form,
			unit: medicine.unit,
			reorderLevel: medicine.reorderLevel,
			batchNumber: stockBatch.batchNumber,
			expiry: stockBatch.expiry,
			onHand: stockBatch.onHand
		})
		.from(medicine)
		.leftJoin(stockBatch, and(eq(stockBatch.medicineId, medicine.id), gt(stockBatch.onHand, 0)))
		.where(and(eq(medicine.clinicId, clinicId), sql`(${medicine.reorderLevel} > 0 OR ${stockBatch.id} IS NOT NULL)`))
		.orderBy(asc(medicine.searchName), asc(stockBatch.expiry));
	const firstUsable = addDays(today, nearExpiryDays);
	const meds = new Map<string, { name: string; unit: string; reorderLevel: number; dispensable: number }>();
	const expiring: StockDigest['expiring'] = [];
	for (const r of rows) {
		const name = [r.genericName, r.strength].filter(Boolean).join(' ');
		const med = meds.get(r.medicineId) ?? { name, unit: r.unit || r.form, reorderLevel: r.reorderLevel, dispensable: 0 };
		meds.set(r.medicineId, med);
		if (r.expiry === null || r.onHand === null || r.batchNumber === null) continue;
		if (r.expiry >= firstUsable) med.dispensable += r.onHand;
		const band = expiryBand(r.expiry, today);
		if (band !== null) expiring.push({ name, batchNumber: r.batchNumber, expiry: r.expiry, onHand: r.onHand, band });
	}
	const low = [...meds.values()].filter((med) => isLowStock(med.dispensable, med.reorderLevel));
	expiring.sort((a, b) => a.expiry.localeCompare(b.expiry) || a.name.localeCompare(b.name));
	return { low, expiring };
}

export const digestIsEmpty = (digest: StockDigest) => digest.low.length === 0 && digest.expiring.length === 0;

/** The clinic's local hour from which its day's digest goes out: before opening, not at midnight. */
export const DIGEST_HOUR = 7;

/**
 * Queues today's stock digest of every clinic that has something to say, once it is 07:00 there.
 * Exactly once per clinic and clinic day: the clinic row is locked while the outbox is checked
 * for that day's digest, so two passes (or two processes) never both queue it. The email itself
 * is composed when it is delivered, from the stock as it is then.
 */
export async function queueStockDigests(db: Db, now = new Date()): Promise<number> {
	const clinics = await db.select({ id: clinic.id }).from(clinic);
	let queued = 0;
	for (const { id } of clinics) {
		const done = await runCommand(db, null, async (tx) => {
			const [home] = await tx.select({ timezone: clinic.timezone, nearExpiryDays: clinic.nearExpiryDays }).from(clinic).where(eq(clinic.id, id)).for('update');
			if (!home) return false;
			const day = clinicToday(home.timezone, now);
			if (Number(wallClock(now.toISOString(), home.timezone).slice(11, 13)) < DIGEST_HOUR) return false;
			const [already] = await tx
				.select({ id: outboxEvent.id })
				.from(outboxEvent)
				.where(and(eq(outboxEvent.clinicId, id), eq(outboxEvent.type, 'stock.digest'), sql`${outboxEvent.payload}->>'day' = ${day}`))
				.limit(1);
			if (already) return false;
			if (digestIsEmpty(await stockDigestOf(tx, id, day, home.nearExpiryDays))) return false;
			await emit(tx, id, { type: 'stock.digest', payload: { clinicId: id, day } });
			return true;
		});
		if (done) queued++;
	}
	return queued;
}

/** The expiry bands the digest groups batches by, for the email. */
export const DIGEST_BANDS = ['expired', ...EXPIRY_BANDS] as const;

/**
 * The background job: one pass an hour (the first two minutes after start), so each clinic's
 * digest goes out between 07:00 and 08:00 of its day, or as soon as the server is up after that.
 */
export function startStockDigests(db: Db, log: Logger, options: { intervalMs?: number; firstRunMs?: number } = {}) {
	const intervalMs = options.intervalMs ?? 60 * 60_000;
	return startPeriodic(
		async () => {
			try {
				const queued = await queueStockDigests(db);
				if (queued > 0) log.info({ queued }, 'stock: queued daily digests');
			} catch (err) {
				log.error({ err }, 'stock digests failed');
			}
		},
		{ intervalMs, firstRunMs: options.firstRunMs ?? 120_000 }
	);
}
