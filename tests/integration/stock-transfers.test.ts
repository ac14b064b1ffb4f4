import { randomInt } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { key } from './queueScene';
import { branchOf, failure, inDays, ledgerHolds, pharmacyScene } from '../pharmacyScene';
import { makeClinic } from '../factories';
import { dispensePrescription } from '../../src/lib/server/pharmacy/dispense';
import { medicineStock, stockMovements } from '../../src/lib/server/pharmacy/stock';
import { transferBranches, transferStock } from '../../src/lib/server/pharmacy/transfers';
import { auditLog, medicine, stockBatch, stockMovement } from '../../src/lib/server/db/schema';
import type { Database } from '../../src/lib/server/db';

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

/** A clinic with a branch and one stocked batch of a medicine the branch's catalogue does not have yet. */
async function transferScene(onHand = 50) {
	const db = database.db;
	const s = await pharmacyScene(db);
	const b = await branchOf(db, s.home.id);
	const med = await s.addMedicine(`transferol ${randomInt(1e9)}`, '500 mg');
	const batch = await s.stock(med.id, 'T-1', inDays(200), onHand);
	const send = (quantity: number, extra: Record<string, unknown> = {}) =>
		transferStock(db, s.pharmacist, { batchId: batch.id, quantity, toClinic: b.branch.code, idempotencyKey: key(), ...extra });
	return { db, s, ...b, med, batch, send };
}

const movementsOfTransfer = (transferId: string) => database.db.select().from(stockMovement).where(eq(stockMovement.transferId, transferId));

describe('transferring stock to a branch', () => {
	it('moves units out of the batch here and into the same batch there, paired by one transfer id, audited in both clinics', async () => {
		const { db, s, branch, branchPharmacist, med, batch, send } = await transferScene();
		expect((await transferBranches(db, s.pharmacist)).map((c) => c.code)).toEqual([branch.code]);

		const first = await send(20, { reason: 'their shelf is empty' });
		expect(first).toMatchObject({ quantity: 20, from: { batchId: batch.id, onHand: 30 }, to: { clinic: branch.code, onHand: 20 } });
		const [copy] = await db.select().from(medicine).where(eq(medicine.id, first.to.medicineId));
		expect(copy).toMatchObject({ clinicId: branch.id, genericName: med.genericName, form: med.form, strength: med.strength });
		const [there] = await db.select().from(stockBatch).where(eq(stockBatch.id, first.to.batchId));
		expect(there).toMatchObject({ clinicId: branch.id, batchNumber: 'T-1', expiry: batch.expiry, costPrice: 500, salePrice: 800, onHand: 20 });

		const halves = await movementsOfTransfer(first.transferId);
		expect(halves.map((m) => [m.clinicId, m.kind, m.quantity, m.reason]).sort()).toEqual(
			[
				[s.home.id, 'transfer_out', -20, 'their shelf is empty'],
				[branch.id, 'transfer_in', 20, 'their shelf is empty']
			].sort()
		);
		// A second transfer lands in the same batch of the same catalogue entry.
		const second = await send(5);
		expect(second.to).toEqual({ ...first.to, onHand: 25 });
		expect((await medicineStock(db, s.pharmacist, med.id)).onHand).toBe(25);
		expect((await medicineStock(db, branchPharmacist, first.to.medicineId)).onHand).toBe(25);

		const here = (await stockMovements(db, s.pharmacist, { medicineId: med.id })).movements.find((m) => m.kind === 'transfer_out');
		expect(here?.transferClinic).toEqual({ code: branch.code, name: branch.name });
		const arrived = (await stockMovements(db, branchPharmacist, { medicineId: first.to.medicineId })).movements.find((m) => m.kind === 'transfer_in');
		expect(arrived?.transferClinic).toEqual({ code: s.home.code, name: s.home.name });

		const audit = await db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'stock.transfer'), eq(auditLog.entityId, first.transferId)));
		expect(audit.map((a) => a.clinicId).sort()).toEqual([s.home.id, branch.id].sort());
		expect(await ledgerHolds(db, s.home.id)).toEqual([]);
		expect(await ledgerHolds(db, branch.id)).toEqual([]);
	});

	it('uses the branch’s own entry for the medicine, matched by generic name, form and strength whatever the case', async () => {
		const { db, branch, med, send } = await transferScene();
		const [own] = await db
			.insert(medicine)
			.values({ clinicId: branch.id, genericName: med.genericName.toUpperCase(), form: 'TABLET', strength: '500 MG', route: 'oral', source: 'clinic' })
			.returning();
		const done = await send(3);
		expect(done.to.medicineId).toBe(own.id);
	});

	it('answers a retried request with the same transfer, and moves the units once', async () => {
		const { db, s, batch, branch } = await transferScene();
		const body = { batchId: batch.id, quantity: 7, toClinic: branch.code, idempotencyKey: key() };
		const [first, again] = [await transferStock(db, s.pharmacist, body), await transferStock(db, s.pharmacist, body)];
		expect(again).toEqual(first);
		expect(await movementsOfTransfer(first.transferId)).toHaveLength(2);
		const out = await db
			.select()
			.from(stockMovement)
			.where(and(eq(stockMovement.batchId, batch.id), eq(stockMovement.kind, 'transfer_out')));
		expect(out).toHaveLength(1);
		expect(await failure(transferStock(db, s.pharmacist, { ...body, quantity: 8 }))).toMatchObject({ code: 'idempotency_key_reused' });
		expect((await medicineStock(db, s.pharmacist, out[0].medicineId)).onHand).toBe(43);
	});

	it('refuses a clinic that is not a branch, this clinic, more than the batch holds, an expired batch and bad input, changing nothing', async () => {
		const { db, s, med, batch, send } = await transferScene(10);
		const stranger = await makeClinic(db);
		expect(await failure(send(1, { toClinic: stranger.code }))).toMatchObject({ status: 400, code: 'transfer_clinic_invalid', field: 'toClinic' });
		expect(await failure(send(1, { toClinic: s.home.code }))).toMatchObject({ status: 400, code: 'transfer_clinic_invalid', field: 'toClinic' });
		expect(await failure(send(1, { toClinic: 'NOPE1' }))).toMatchObject({ status: 400, code: 'transfer_clinic_invalid' });
		expect(await failure(send(11))).toMatchObject({ status: 409, code: 'stock_short', field: 'quantity' });
		for (const quantity of [0, -3, 1.5, '2', null])
			expect(await failure(send(1, { quantity })), String(quantity)).toMatchObject({ status: 400, fields: [{ field: 'quantity' }] });
		expect(await failure(send(1, { toClinic: '' }))).toMatchObject({ status: 400, fields: [{ field: 'toClinic' }] });
		expect(await failure(send(1, { batchId: 'not-a-batch' }))).toMatchObject({ status: 400, fields: [{ field: 'batchId' }] });
		expect(await failure(send(1, { reason: 'x'.repeat(501) }))).toMatchObject({ status: 400, fields: [{ field: 'reason' }] });
		expect(await failure(send(1, { unexpected: true }))).toMatchObject({ status: 400 });
		expect(await failure(send(1, { idempotencyKey: undefined }))).toMatchObject({ status: 400, code: 'idempotency_key_required' });

		const [expired] = await db
			.insert(stockBatch)
			.values({
				clinicId: s.home.id,
				medicineId: med.id,
				batchNumber: 'OLD',
				expiry: inDays(-3),
				costPrice: 1,
				salePrice: 2,
				receivedQuantity: 0,
				onHand: 0,
				receivedBy: s.pharmacistUser.id
			})
			.returning();
		expect(await failure(send(1, { batchId: expired.id }))).toMatchObject({ status: 400, code: 'batch_expired', field: 'batchId' });

		expect((await medicineStock(db, s.pharmacist, med.id)).batches).toMatchObject([{ id: batch.id, onHand: 10 }]);
		const moved = await db
			.select()
			.from(stockMovement)
			.where(and(eq(stockMovement.clinicId, s.home.id), eq(stockMovement.kind, 'transfer_out')));
		expect(moved).toEqual([]);
	});

	it('refuses reception, a doctor, and a batch of another clinic', async () => {
		const { s, branchPharmacist, batch, branch, db } = await transferScene();
		const body = { batchId: batch.id, quantity: 1, toClinic: branch.code, idempotencyKey: key() };
		expect(await failure(transferStock(db, s.reception, body))).toMatchObject({ status: 403 });
		expect(await failure(transferStock(db, s.doctor, body))).toMatchObject({ status: 403 });
		expect(await transferBranches(db, s.reception)).toEqual([]);
		// The branch's pharmacist cannot send this clinic's batch: it is not theirs.
		expect(await failure(transferStock(db, branchPharmacist, { ...body, toClinic: s.home.code }))).toMatchObject({ status: 404 });
	});

	it('lets the branch’s admin, who administers both, transfer too', async () => {
		const { db, admin, batch, branch } = await transferScene();
		const done = await transferStock(db, admin, { batchId: batch.id, quantity: 2, toClinic: branch.code, idempotencyKey: key() });
		expect(done.from.onHand).toBe(48);
	});
});

describe('transfers racing for the last units', () => {
	it('two transfers and a dispense for the same last 10 units: exactly 10 leave, on hand never below zero', async () => {
		const { db, s, med, batch, branch } = await transferScene(10);
		const rx = await s.issue([{ medicineId: med.id, quantity: 10 }]);
		const results = await Promise.allSettled([
			transferStock(db, s.pharmacist, { batchId: batch.id, quantity: 10, toClinic: branch.code, idempotencyKey: key() }),
			transferStock(db, s.secondPharmacist, { batchId: batch.id, quantity: 10, toClinic: branch.code, idempotencyKey: key() }),
			dispensePrescription(db, s.pharmacist, rx.id, { lines: [{ lineId: rx.lines[0], quantity: 10 }], idempotencyKey: key() })
		]);
		const [t1, t2, d] = results;
		for (const t of [t1, t2]) if (t.status === 'rejected') expect(t.reason).toMatchObject({ code: 'stock_short' });
		if (d.status === 'rejected') throw d.reason;
		const transferred = [t1, t2].reduce((sum, t) => sum + (t.status === 'fulfilled' ? t.value.quantity : 0), 0);
		expect(transferred + d.value.lines[0].dispensed).toBe(10);
		expect((await medicineStock(db, s.pharmacist, med.id)).onHand).toBe(0);
		expect(await ledgerHolds(db, s.home.id)).toEqual([]);
		expect(await ledgerHolds(db, branch.id)).toEqual([]);
	});

	it('two first transfers into a branch at once make one catalogue entry and one batch there', async () => {
		const { db, s, batch, branch, send } = await transferScene(10);
		const both = await Promise.all([
			send(4),
			transferStock(db, s.secondPharmacist, { batchId: batch.id, quantity: 6, toClinic: branch.code, idempotencyKey: key() })
		]);
		expect(new Set(both.map((t) => t.to.batchId)).size).toBe(1);
		expect(new Set(both.map((t) => t.to.medicineId)).size).toBe(1);
		expect(Math.max(...both.map((t) => t.to.onHand))).toBe(10);
		expect(await ledgerHolds(db, branch.id)).toEqual([]);
	});

	it('transfers in opposite directions at once neither deadlock nor lose a unit', async () => {
		const { db, s, med, batch, branch, branchPharmacist } = await transferScene(40);
		const back = await transferStock(db, s.pharmacist, { batchId: batch.id, quantity: 20, toClinic: branch.code, idempotencyKey: key() });
		const rounds = Array.from({ length: 6 }, () => [
			transferStock(db, s.pharmacist, { batchId: batch.id, quantity: 1, toClinic: branch.code, idempotencyKey: key() }),
			transferStock(db, branchPharmacist, { batchId: back.to.batchId, quantity: 1, toClinic: s.home.code, idempotencyKey: key() })
		]).flat();
		await Promise.all(rounds);
		expect((await medicineStock(db, s.pharmacist, med.id)).onHand).toBe(20);
		expect((await medicineStock(db, branchPharmacist, back.to.medicineId)).onHand).toBe(20);
		expect(await ledgerHolds(db, s.home.id)).toEqual([]);
		expect(await ledgerHolds(db, branch.id)).toEqual([]);
	});
});
