import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testDatabase } from '../db';
import { key } from './queueScene';
import { branchOf, inDays, ledgerHolds, pharmacyScene } from '../pharmacyScene';
import { dispensePrescription, returnPrescription } from '../../src/lib/server/pharmacy/dispense';
import { adjustStock, medicineStock } from '../../src/lib/server/pharmacy/stock';
import { transferStock } from '../../src/lib/server/pharmacy/transfers';
import type { Database } from '../../src/lib/server/db';

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

type Op =
	| { kind: 'receive'; days: number; quantity: number }
	| { kind: 'dispense'; quantity: number }
	| { kind: 'return'; quantity: number }
	| { kind: 'adjust'; batch: number; quantity: number }
	| { kind: 'transfer'; batch: number; quantity: number; back: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
	fc.record({ kind: fc.constant('receive' as const), days: fc.integer({ min: 1, max: 400 }), quantity: fc.integer({ min: 1, max: 40 }) }),
	fc.record({ kind: fc.constant('dispense' as const), quantity: fc.integer({ min: 1, max: 60 }) }),
	fc.record({ kind: fc.constant('return' as const), quantity: fc.integer({ min: 1, max: 20 }) }),
	fc.record({ kind: fc.constant('adjust' as const), batch: fc.nat(), quantity: fc.integer({ min: -30, max: 30 }).filter((q) => q !== 0) }),
	fc.record({ kind: fc.constant('transfer' as const), batch: fc.nat(), quantity: fc.integer({ min: 1, max: 30 }), back: fc.boolean() })
);

/** A refusal the sequence may run into (asking for more than a batch holds); anything else fails the property. */
const shortIsFine = (e: { code?: string }) => {
	if (e.code !== 'stock_short') throw e;
};

/**
 * Random sequences of receiving, dispensing, returning, adjusting and transferring to a branch (and
 * back from it) keep every batch's on hand equal to the sum of its movements and never below zero,
 * in both clinics, and every dispensing takes first expiry first: no dispensable batch that expires
 * earlier than one it took from keeps stock.
 */
describe('the stock ledger under any sequence of operations', () => {
	it('keeps on hand = the sum of movements ≥ 0 for every batch, and FEFO order', async () => {
		const db = database.db;
		await fc.assert(
			fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
				const s = await pharmacyScene(db);
				const { branch, branchPharmacist } = await branchOf(db, s.home.id);
				const med = await s.addMedicine();
				const batches: string[] = [];
				const branchBatches: string[] = [];
				const expiryOf = new Map<string, string>();
				const dispensed: { rx: Awaited<ReturnType<typeof s.issue>>; given: number; returned: number }[] = [];
				for (const o of ops) {
					if (o.kind === 'receive') {
						const batch = await s.stock(med.id, `B${batches.length}`, inDays(o.days), o.quantity);
						batches.push(batch.id);
						expiryOf.set(batch.id, batch.expiry);
					} else if (o.kind === 'dispense') {
						const rx = await s.issue([{ medicineId: med.id, quantity: o.quantity }]);
						const result = await dispensePrescription(db, s.pharmacist, rx.id, {
							lines: [{ lineId: rx.lines[0], quantity: o.quantity }],
							idempotencyKey: key()
						});
						const line = result.lines[0];
						expect(line.dispensed + line.short).toBe(o.quantity);
						const after = await medicineStock(db, s.pharmacist, med.id);
						const latestTaken = line.batches
							.map((t) => expiryOf.get(t.batchId) ?? '')
							.sort()
							.at(-1);
						// FEFO: a dispensable batch expiring before the last one taken from was emptied.
						for (const b of after.batches) if (latestTaken && b.dispensable && b.expiry < latestTaken) expect(b.onHand).toBe(0);
						dispensed.push({ rx, given: line.dispensed, returned: 0 });
					} else if (o.kind === 'return') {
						const target = dispensed.find((d) => d.given - d.returned > 0);
						if (!target) continue;
						const quantity = Math.min(o.quantity, target.given - target.returned);
						await returnPrescription(db, s.pharmacist, target.rx.id, {
							lines: [{ lineId: target.rx.lines[0], quantity }],
							reason: 'returned',
							idempotencyKey: key()
						});
						target.returned += quantity;
					} else if (o.kind === 'transfer') {
						const from = o.back ? branchBatches : batches;
						if (from.length === 0) continue;
						const batchId = from[o.batch % from.length];
						const [actor, toClinic] = o.back ? [branchPharmacist, s.home.code] : [s.pharmacist, branch.code];
						const done = await transferStock(db, actor, { batchId, quantity: o.quantity, toClinic, idempotencyKey: key() }).catch(shortIsFine);
						if (done && !o.back && !branchBatches.includes(done.to.batchId)) branchBatches.push(done.to.batchId);
					} else if (batches.length > 0) {
						const batchId = batches[o.batch % batches.length];
						await adjustStock(db, s.pharmacist, { batchId, quantity: o.quantity, reason: 'correction', idempotencyKey: key() }).catch(shortIsFine);
					}
				}
				expect(await ledgerHolds(db, s.home.id)).toEqual([]);
				expect(await ledgerHolds(db, branch.id)).toEqual([]);
			}),
			{ numRuns: 15 }
		);
	});
});
