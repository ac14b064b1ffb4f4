import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { key } from './queueScene';
import { failure, inDays, ledgerHolds, pharmacyScene } from '../pharmacyScene';
import { dispensePrescription } from '../../src/lib/server/pharmacy/dispense';
import { medicineStock } from '../../src/lib/server/pharmacy/stock';
import { cancelStockCount, postStockCount, saveCountedLines, startStockCount, stockCountView } from '../../src/lib/server/pharmacy/stockCount';
import { stockMovement } from '../../src/lib/server/db/schema';
import type { Database } from '../../src/lib/server/db';

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

describe('stock count', () => {
	it('snapshots every batch with stock, saves counted figures as they are entered, and posts the differences as stock_count adjustments', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const para = await s.addMedicine();
		const amox = await s.addMedicine();
		const p1 = await s.stock(para.id, 'P1', inDays(200), 40);
		const p2 = await s.stock(para.id, 'P2', inDays(300), 10);
		const a1 = await s.stock(amox.id, 'A1', inDays(250), 25);

		const count = await startStockCount(db, s.pharmacist, { idempotencyKey: key() });
		expect(count.status).toBe('open');
		expect(count.lines.map((l) => [l.batchNumber, l.expected]).sort()).toEqual([
			['A1', 25],
			['P1', 40],
			['P2', 10]
		]);

		await saveCountedLines(db, s.pharmacist, count.id, { lines: [{ batchId: p1.id, counted: 37 }] });
		const saved = await saveCountedLines(db, s.pharmacist, count.id, {
			lines: [
				{ batchId: p2.id, counted: 10 },
				{ batchId: a1.id, counted: 30 }
			]
		});
		expect(Object.fromEntries(saved.lines.map((l) => [l.batchNumber, l.difference]))).toEqual({ P1: -3, P2: 0, A1: 5 });

		const posted = await postStockCount(db, s.pharmacist, count.id, { idempotencyKey: key() });
		expect(posted.status).toBe('posted');
		expect(posted.adjustments.map((a) => [a.batchId, a.quantity]).sort()).toEqual(
			[
				[p1.id, -3],
				[a1.id, 5]
			].sort()
		);
		expect((await medicineStock(db, s.pharmacist, para.id)).onHand).toBe(47);
		expect((await medicineStock(db, s.pharmacist, amox.id)).onHand).toBe(30);
		const movements = await db.select().from(stockMovement).where(eq(stockMovement.stockCountId, count.id));
		expect(movements.every((m) => m.kind === 'adjusted' && m.reason === 'stock_count')).toBe(true);

		// Posting again (another key, a retry) moves nothing more.
		const again = await postStockCount(db, s.pharmacist, count.id, { idempotencyKey: key() });
		expect(again.adjustments).toHaveLength(2);
		expect((await medicineStock(db, s.pharmacist, para.id)).onHand).toBe(47);
		expect(await ledgerHolds(db, s.home.id)).toEqual([]);
	});

	it('takes the difference against on hand at posting, so a dispense during the count is not counted twice', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const para = await s.addMedicine();
		const batch = await s.stock(para.id, 'B1', inDays(200), 20);
		const count = await startStockCount(db, s.pharmacist, {});
		const rx = await s.issue([{ medicineId: para.id, quantity: 4 }]);
		await dispensePrescription(db, s.secondPharmacist, rx.id, { lines: [{ lineId: rx.lines[0], quantity: 4 }], idempotencyKey: key() });

		const view = await saveCountedLines(db, s.pharmacist, count.id, { lines: [{ batchId: batch.id, counted: 15 }] });
		expect(view.lines[0]).toMatchObject({ expected: 20, onHand: 16, counted: 15, difference: -1 });
		await postStockCount(db, s.pharmacist, count.id, {});
		expect((await medicineStock(db, s.pharmacist, para.id)).onHand).toBe(15);
		expect(await ledgerHolds(db, s.home.id)).toEqual([]);
	});

	it('a dispense racing the post leaves on hand never negative and the ledger whole', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const para = await s.addMedicine();
		const batch = await s.stock(para.id, 'R1', inDays(200), 10);
		const count = await startStockCount(db, s.pharmacist, {});
		await saveCountedLines(db, s.pharmacist, count.id, { lines: [{ batchId: batch.id, counted: 2 }] });
		const rx = await s.issue([{ medicineId: para.id, quantity: 5 }]);

		const [dispensed] = await Promise.all([
			dispensePrescription(db, s.secondPharmacist, rx.id, { lines: [{ lineId: rx.lines[0], quantity: 5 }], idempotencyKey: key() }),
			postStockCount(db, s.pharmacist, count.id, {})
		]);
		const onHand = (await medicineStock(db, s.pharmacist, para.id)).onHand;
		const given = dispensed.lines[0].dispensed;
		const movements = await db.select().from(stockMovement).where(eq(stockMovement.batchId, batch.id));
		const adjustment = movements.find((m) => m.stockCountId === count.id);
		const dispense = movements.find((m) => m.kind === 'dispensed');
		// The count set on hand to what was counted at its moment; the dispense took what it found.
		expect(adjustment?.balanceAfter).toBe(2);
		if (dispense?.balanceAfter === 5) expect(onHand).toBe(2);
		else expect([given, onHand]).toEqual([2, 0]);
		expect(onHand).toBeGreaterThanOrEqual(0);
		expect(await ledgerHolds(db, s.home.id)).toEqual([]);
	});

	it('refuses to change, post or cancel a count in the wrong state, and refuses bad input and other roles', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const para = await s.addMedicine();
		const batch = await s.stock(para.id, 'S1', inDays(200), 5);
		const other = await s.stock((await s.addMedicine()).id, 'S2', inDays(200), 5);

		expect(await failure(startStockCount(db, s.reception, {}))).toMatchObject({ code: 'forbidden' });
		expect(await failure(startStockCount(db, s.doctor, {}))).toMatchObject({ code: 'forbidden' });
		const count = await startStockCount(db, s.pharmacist, {});
		expect(await failure(stockCountView(db, s.doctor, count.id))).toMatchObject({ code: 'forbidden' });
		expect(await failure(saveCountedLines(db, s.pharmacist, count.id, { lines: [{ batchId: batch.id, counted: -1 }] }))).toMatchObject({
			status: 400
		});
		expect(await failure(saveCountedLines(db, s.pharmacist, count.id, { lines: [{ batchId: batch.id, counted: 1.5 }] }))).toMatchObject({
			status: 400
		});
		expect(await failure(saveCountedLines(db, s.pharmacist, count.id, { lines: [] }))).toMatchObject({ status: 400 });
		expect(await failure(stockCountView(db, s.pharmacist, 'not-a-count'))).toMatchObject({ code: 'not_found' });

		// A batch received after the start is not part of the count.
		const late = await s.stock(para.id, 'S3', inDays(300), 5);
		expect(await failure(saveCountedLines(db, s.pharmacist, count.id, { lines: [{ batchId: late.id, counted: 1 }] }))).toMatchObject({
			code: 'field_invalid'
		});
		expect(other.id).toBeTruthy();

		await cancelStockCount(db, s.pharmacist, count.id);
		expect((await cancelStockCount(db, s.pharmacist, count.id)).status).toBe('cancelled');
		expect(await failure(saveCountedLines(db, s.pharmacist, count.id, { lines: [{ batchId: batch.id, counted: 1 }] }))).toMatchObject({
			code: 'stock_count_state'
		});
		expect(await failure(postStockCount(db, s.pharmacist, count.id, {}))).toMatchObject({ code: 'stock_count_state' });

		const posted = await startStockCount(db, s.pharmacist, {});
		await postStockCount(db, s.pharmacist, posted.id, {});
		expect(await failure(cancelStockCount(db, s.pharmacist, posted.id))).toMatchObject({ code: 'stock_count_state' });
		expect(await failure(saveCountedLines(db, s.pharmacist, posted.id, { lines: [{ batchId: batch.id, counted: 1 }] }))).toMatchObject({
			code: 'stock_count_state'
		});
		// Nothing counted, nothing moved.
		expect((await medicineStock(db, s.pharmacist, para.id)).onHand).toBe(10);
	});

	it('keeps counts to their clinic', async () => {
		const db = database.db;
		const a = await pharmacyScene(db);
		const b = await pharmacyScene(db);
		const count = await startStockCount(db, a.pharmacist, {});
		expect(await failure(stockCountView(db, b.pharmacist, count.id))).toMatchObject({ code: 'not_found' });
		expect(await failure(postStockCount(db, b.pharmacist, count.id, {}))).toMatchObject({ code: 'not_found' });
	});
});
