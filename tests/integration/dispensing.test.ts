import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { testDatabase } from '../db';
import { key } from './queueScene';
import { failure, inDays, ledgerHolds, pharmacyScene } from '../pharmacyScene';
import {
	collectPrescription,
	dispensePrescription,
	pharmacyQueue,
	preparePrescription,
	returnPrescription,
	setLineOutcome
} from '../../src/lib/server/pharmacy/dispense';
import { adjustStock, medicineStock, receiveBatch, stockMovements } from '../../src/lib/server/pharmacy/stock';
import { projectClinicPharmacy } from '../../src/lib/server/pharmacy/project';
import { pharmacyContract } from '../../src/lib/sync/contracts/pharmacy';
import { outboxEvent, patient as patientTable, prescription, stockMovement } from '../../src/lib/server/db/schema';
import { composeNotice } from '../../src/lib/server/notifications/notices';
import { findRecipient } from '../../src/lib/server/notifications/recipients';
import { parseOutboxEvent } from '../../src/lib/server/notifications/events';
import { makeClinic, makeMember } from '../factories';
import { ctxOf } from './queueScene';
import type { Database } from '../../src/lib/server/db';

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

describe('dispensing: first expiry, first out', () => {
	it('splits a line across batches earliest expiry first, leaves a short line waiting for stock, and tells the patient when all is ready', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const para = await s.addMedicine();
		const amox = await s.addMedicine();
		const late = await s.stock(para.id, 'LATE', inDays(400), 100);
		const early = await s.stock(para.id, 'EARLY', inDays(120), 6);
		await s.stock(para.id, 'SOON', inDays(10), 50); // within the 30 days the clinic keeps back
		const amoxBatch = await s.stock(amox.id, 'AMX', inDays(200), 4);
		const rx = await s.issue([
			{ medicineId: para.id, quantity: 10 },
			{ medicineId: amox.id, quantity: 9 }
		]);

		const result = await dispensePrescription(db, s.pharmacist, rx.id, {
			lines: [
				{ lineId: rx.lines[0], quantity: 10 },
				{ lineId: rx.lines[1], quantity: 9 }
			],
			idempotencyKey: key()
		});
		expect(result.lines[0]).toMatchObject({
			dispensed: 10,
			short: 0,
			status: 'dispensed',
			batches: [
				{ batchId: early.id, quantity: 6 },
				{ batchId: late.id, quantity: 4 }
			]
		});
		expect(result.lines[1]).toMatchObject({ dispensed: 4, short: 5, status: 'waiting_for_stock', batches: [{ batchId: amoxBatch.id, quantity: 4 }] });
		expect(result.status).toBe('waiting_for_stock');
		expect((await medicineStock(db, s.pharmacist, para.id)).batches.map((b) => [b.batchNumber, b.onHand])).toEqual([
			['SOON', 50],
			['LATE', 96]
		]);

		// The live document shows the same, and the patient hears nothing yet.
		const doc = pharmacyContract.parse(await projectClinicPharmacy(db, { type: 'pharmacy', clinicId: s.home.id }));
		expect(doc.prescriptions[0]).toMatchObject({
			id: rx.id,
			status: 'waiting_for_stock',
			lines: [
				{ dispensed: 10, lineStatus: 'dispensed' },
				{ dispensed: 4, lineStatus: 'waiting_for_stock' }
			]
		});
		const readyEvents = () =>
			db
				.select()
				.from(outboxEvent)
				.where(and(eq(outboxEvent.clinicId, s.home.id), eq(outboxEvent.type, 'prescription.ready')));
		expect(await readyEvents()).toHaveLength(0);

		// Stock arrives; the rest is dispensed and the prescription is ready, with who and when.
		await s.stock(amox.id, 'AMX2', inDays(300), 20);
		const rest = await dispensePrescription(db, s.secondPharmacist, rx.id, { lines: [{ lineId: rx.lines[1], quantity: 9 }], idempotencyKey: key() });
		expect(rest.lines[0]).toMatchObject({ dispensed: 5, short: 0, totalDispensed: 9, status: 'dispensed' });
		expect(rest.status).toBe('ready');
		const events = await readyEvents();
		expect(events.map((e) => e.payload)).toEqual([{ prescriptionId: rx.id, patientId: s.patient.id }]);

		const collected = await collectPrescription(db, s.pharmacist, rx.id, { idempotencyKey: key() });
		expect(collected.status).toBe('collected');
		const again = await failure(dispensePrescription(db, s.pharmacist, rx.id, { lines: [{ lineId: rx.lines[0], quantity: 1 }], idempotencyKey: key() }));
		expect(again).toMatchObject({ status: 409, code: 'prescription_state' });
		expect(await ledgerHolds(db, s.home.id)).toEqual([]);
	});

	it('never gives a line more than was prescribed, however many requests race for it, and a retried request acts once', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const med = await s.addMedicine();
		await s.stock(med.id, 'B1', inDays(200), 500);
		const rx = await s.issue([{ medicineId: med.id, quantity: 12 }]);
		const retryKey = key();
		const requests = Array.from({ length: 12 }, (_, i) =>
			dispensePrescription(db, i % 2 ? s.pharmacist : s.secondPharmacist, rx.id, {
				lines: [{ lineId: rx.lines[0], quantity: 5 }],
				idempotencyKey: i < 2 ? retryKey : key()
			})
		);
		const results = await Promise.allSettled(requests);
		expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
		const [line] = (await pharmacyQueue(db, s.pharmacist)).prescriptions.find((p) => p.id === rx.id)!.lines;
		expect(line).toMatchObject({ prescribed: 12, dispensed: 12, status: 'dispensed' });
		expect((await medicineStock(db, s.pharmacist, med.id)).onHand).toBe(488);
		expect(await ledgerHolds(db, s.home.id)).toEqual([]);
	});

	it('two pharmacists dispensing the last 10 units at once get 10 between them, and the other is told it is short', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const med = await s.addMedicine();
		await s.stock(med.id, 'A', inDays(90), 4);
		await s.stock(med.id, 'B', inDays(180), 6);
		const [first, second] = [await s.issue([{ medicineId: med.id, quantity: 10 }]), await s.issue([{ medicineId: med.id, quantity: 10 }])];
		const results = await Promise.all([
			dispensePrescription(db, s.pharmacist, first.id, { lines: [{ lineId: first.lines[0], quantity: 10 }], idempotencyKey: key() }),
			dispensePrescription(db, s.secondPharmacist, second.id, { lines: [{ lineId: second.lines[0], quantity: 10 }], idempotencyKey: key() })
		]);
		expect(results.reduce((sum, r) => sum + r.lines[0].dispensed, 0)).toBe(10);
		expect(results.map((r) => r.lines[0].short).sort()).toEqual([0, 10]);
		expect(results.map((r) => r.status).sort()).toEqual(['ready', 'waiting_for_stock']);
		expect((await medicineStock(db, s.pharmacist, med.id)).onHand).toBe(0);
		expect(await ledgerHolds(db, s.home.id)).toEqual([]);
	});

	it('substitutes an equivalent product, records a declined line, and refuses a substitute of another strength', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const name = `substitol ${Date.now()}`;
		const written = await s.addMedicine(name, '500 mg');
		const equivalent = await s.addMedicine(name.toUpperCase(), '500MG');
		const stronger = await s.addMedicine(name, '1 g');
		const other = await s.addMedicine(`other ${Date.now()}`);
		const rx = await s.issue([
			{ medicineId: written.id, quantity: 4 },
			{ medicineId: other.id, quantity: 2 }
		]);
		const wrong = await failure(
			setLineOutcome(db, s.pharmacist, rx.id, rx.lines[0], { outcome: 'substituted', medicineId: stronger.id, note: 'out of 500', idempotencyKey: key() })
		);
		expect(wrong).toMatchObject({ status: 400, code: 'substitute_invalid', field: 'medicineId' });
		const noNote = await failure(
			setLineOutcome(db, s.pharmacist, rx.id, rx.lines[0], { outcome: 'substituted', medicineId: equivalent.id, note: '', idempotencyKey: key() })
		);
		expect(noNote).toMatchObject({ status: 400, fields: [{ field: 'note' }] });
		await setLineOutcome(db, s.pharmacist, rx.id, rx.lines[0], {
			outcome: 'substituted',
			medicineId: equivalent.id,
			note: 'same generic, other maker',
			idempotencyKey: key()
		});
		const declined = await setLineOutcome(db, s.pharmacist, rx.id, rx.lines[1], { outcome: 'not_dispensed', note: 'has some at home', idempotencyKey: key() });
		expect(declined.status).toBe('in_progress');
		await s.stock(written.id, 'W', inDays(100), 10);
		const eq1 = await s.stock(equivalent.id, 'E', inDays(100), 10);
		const done = await dispensePrescription(db, s.pharmacist, rx.id, { lines: [{ lineId: rx.lines[0], quantity: 4 }], idempotencyKey: key() });
		expect(done.lines[0]).toMatchObject({ status: 'substituted', batches: [{ batchId: eq1.id, quantity: 4 }] });
		expect(done.status).toBe('ready');
		const doc = pharmacyContract.parse(await projectClinicPharmacy(db, { type: 'pharmacy', clinicId: s.home.id }));
		expect(doc.prescriptions.find((p) => p.id === rx.id)?.lines.map((l) => [l.lineStatus, l.note])).toEqual([
			['substituted', 'same generic, other maker'],
			['not_dispensed', 'has some at home']
		]);
		expect((await medicineStock(db, s.pharmacist, written.id)).onHand).toBe(10);
	});

	it('takes a patient’s return back into the batch it came from, never more than was dispensed', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const med = await s.addMedicine();
		const a = await s.stock(med.id, 'A', inDays(60), 3);
		const b = await s.stock(med.id, 'B', inDays(300), 10);
		const rx = await s.issue([{ medicineId: med.id, quantity: 8 }]);
		await dispensePrescription(db, s.pharmacist, rx.id, { lines: [{ lineId: rx.lines[0], quantity: 8 }], idempotencyKey: key() });
		const back = await returnPrescription(db, s.pharmacist, rx.id, {
			lines: [{ lineId: rx.lines[0], quantity: 6 }],
			reason: 'stopped by the doctor',
			idempotencyKey: key()
		});
		expect(back.lines[0].batches).toEqual([
			{ batchId: b.id, quantity: 5 },
			{ batchId: a.id, quantity: 1 }
		]);
		const stock = await medicineStock(db, s.pharmacist, med.id);
		expect(stock.batches.map((x) => [x.batchNumber, x.onHand])).toEqual([
			['A', 1],
			['B', 10]
		]);
		const tooMany = await failure(
			returnPrescription(db, s.pharmacist, rx.id, { lines: [{ lineId: rx.lines[0], quantity: 3 }], reason: 'again', idempotencyKey: key() })
		);
		expect(tooMany).toMatchObject({ status: 400, code: 'return_exceeds', field: 'lines.0.quantity' });
		const kinds = (await stockMovements(db, s.pharmacist, { medicineId: med.id })).movements.map((m) => m.kind);
		expect(kinds.filter((k) => k === 'patient_return')).toHaveLength(2);
		expect(await ledgerHolds(db, s.home.id)).toEqual([]);
	});
});

describe('telling the patient', () => {
	it('words “your medicines are ready” in the patient’s language, and says nothing once they were collected', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		await db.update(patientTable).set({ preferredLanguage: 'ur', email: 'nadia@example.test' }).where(eq(patientTable.id, s.patient.id));
		const med = await s.addMedicine();
		await s.stock(med.id, 'N', inDays(200), 10);
		const rx = await s.issue([{ medicineId: med.id, quantity: 2 }]);
		await dispensePrescription(db, s.pharmacist, rx.id, { lines: [{ lineId: rx.lines[0], quantity: 2 }], idempotencyKey: key() });
		const [row] = await db
			.select()
			.from(outboxEvent)
			.where(and(eq(outboxEvent.clinicId, s.home.id), eq(outboxEvent.type, 'prescription.ready')));
		const parsed = parseOutboxEvent(row);
		const recipient = await findRecipient(db, s.patient.id);
		if (!parsed.ok || !recipient) throw new Error('unreadable event');
		const notice = await composeNotice(db, parsed.event, row.createdAt, recipient);
		expect(notice?.subject).toContain('دوائیں تیار ہیں');
		expect(notice?.lines.join(' ')).toContain(s.home.name);
		await collectPrescription(db, s.pharmacist, rx.id, { idempotencyKey: key() });
		expect(await composeNotice(db, parsed.event, row.createdAt, recipient)).toBeNull();
	});
});

describe('the stock ledger', () => {
	it('adjusts with a reason, never below zero, and keeps every movement for good', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const med = await s.addMedicine();
		const batch = await s.stock(med.id, 'ADJ', inDays(200), 5);
		const short = await failure(adjustStock(db, s.pharmacist, { batchId: batch.id, quantity: -6, reason: 'stock_count', idempotencyKey: key() }));
		expect(short).toMatchObject({ status: 409, code: 'stock_short' });
		const writeOff = await adjustStock(db, s.pharmacist, { batchId: batch.id, quantity: -2, reason: 'damaged', note: 'strip torn', idempotencyKey: key() });
		expect(writeOff).toMatchObject({ kind: 'written_off', onHand: 3 });
		const count = await adjustStock(db, s.pharmacist, { batchId: batch.id, quantity: 1, reason: 'stock_count', idempotencyKey: key() });
		expect(count).toMatchObject({ kind: 'adjusted', onHand: 4 });
		const wrongSign = await failure(adjustStock(db, s.pharmacist, { batchId: batch.id, quantity: 2, reason: 'expired', idempotencyKey: key() }));
		expect(wrongSign).toMatchObject({ status: 400, code: 'units_invalid' });
		const movements = (await stockMovements(db, s.pharmacist, { medicineId: med.id })).movements;
		expect(movements.map((m) => [m.kind, m.quantity, m.balanceAfter])).toEqual([
			['adjusted', 1, 4],
			['written_off', -2, 3],
			['received', 5, 5]
		]);
		const edit = await failure(db.update(stockMovement).set({ quantity: 50 }).where(eq(stockMovement.batchId, batch.id)));
		expect(edit).not.toBeNull();
		const remove = await failure(db.delete(stockMovement).where(eq(stockMovement.batchId, batch.id)));
		expect(remove).not.toBeNull();
		expect(await ledgerHolds(db, s.home.id)).toEqual([]);
	});

	it('refuses bad input with every field named, an expired delivery, and changes nothing', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const med = await s.addMedicine();
		const bad = await failure(receiveBatch(db, s.pharmacist, med.id, { batchNumber: '', expiry: '2026-13-40', quantity: 0, costPrice: -1, salePrice: 1.5 }));
		expect(bad).toMatchObject({ status: 400 });
		expect((bad as { fields: { field: string }[] }).fields.map((f) => f.field).sort()).toEqual(['batchNumber', 'costPrice', 'expiry', 'quantity', 'salePrice']);
		const expired = await failure(receiveBatch(db, s.pharmacist, med.id, { batchNumber: 'OLD', expiry: inDays(-3), quantity: 5, costPrice: 1, salePrice: 2 }));
		expect(expired).toMatchObject({ status: 400, code: 'batch_expired' });
		expect((await medicineStock(db, s.pharmacist, med.id)).onHand).toBe(0);
		const rx = await s.issue([{ medicineId: med.id, quantity: 2 }]);
		const zero = await failure(dispensePrescription(db, s.pharmacist, rx.id, { lines: [{ lineId: rx.lines[0], quantity: 0 }], idempotencyKey: key() }));
		expect(zero).toMatchObject({ status: 400, fields: [{ field: 'lines.0.quantity', code: 'units_invalid' }] });
		const unknownLine = await failure(
			dispensePrescription(db, s.pharmacist, rx.id, { lines: [{ lineId: crypto.randomUUID(), quantity: 1 }], idempotencyKey: key() })
		);
		expect(unknownLine).toMatchObject({ status: 400, field: 'lines.0.lineId' });
		const noKey = await failure(dispensePrescription(db, s.pharmacist, rx.id, { lines: [{ lineId: rx.lines[0], quantity: 1 }] }));
		expect(noKey).toMatchObject({ status: 400, code: 'idempotency_key_required' });
	});
});

describe('who may do what in the pharmacy', () => {
	it('lets only the pharmacy and admins dispense and manage stock, and nobody outside the clinic', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const med = await s.addMedicine();
		const batch = await s.stock(med.id, 'P', inDays(200), 10);
		const rx = await s.issue([{ medicineId: med.id, quantity: 2 }]);
		const dispense = (ctx: typeof s.pharmacist) =>
			failure(dispensePrescription(db, ctx, rx.id, { lines: [{ lineId: rx.lines[0], quantity: 1 }], idempotencyKey: key() }));
		for (const ctx of [s.doctor, s.reception, ctxOf(s.home.id, s.doctor.actor.userId, 'nurse')]) {
			expect(await dispense(ctx)).toMatchObject({ status: 403 });
			expect(await failure(receiveBatch(db, ctx, med.id, { batchNumber: 'X', expiry: inDays(100), quantity: 1, costPrice: 1, salePrice: 1 }))).toMatchObject({
				status: 403
			});
			expect(await failure(adjustStock(db, ctx, { batchId: batch.id, quantity: -1, reason: 'other' }))).toMatchObject({ status: 403 });
			expect(await failure(medicineStock(db, ctx, med.id))).toMatchObject({ status: 403 });
			expect(await failure(collectPrescription(db, ctx, rx.id, { idempotencyKey: key() }))).toMatchObject({ status: 403 });
		}
		expect(await failure(pharmacyQueue(db, s.reception))).toMatchObject({ status: 403 });
		expect((await pharmacyQueue(db, s.doctor)).prescriptions.map((p) => p.id)).toContain(rx.id);

		// Another clinic's pharmacist finds nothing here.
		const other = await makeClinic(db);
		const outsider = ctxOf(other.id, (await makeMember(db, other.id, 'pharmacist')).id, 'pharmacist');
		expect(await dispense(outsider)).toMatchObject({ status: 404 });
		expect(await failure(medicineStock(db, outsider, med.id))).toMatchObject({ status: 404 });
		expect(await failure(adjustStock(db, outsider, { batchId: batch.id, quantity: -1, reason: 'other' }))).toMatchObject({ status: 404 });
		expect((await medicineStock(db, s.pharmacist, med.id)).onHand).toBe(10);
	});

	it('refuses a prescription whose visit is still open, and a colleague’s prescription unless taken over', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const med = await s.addMedicine();
		const rx = await s.issue([{ medicineId: med.id, quantity: 2 }]);
		await preparePrescription(db, s.pharmacist, rx.id, {});
		expect(await failure(preparePrescription(db, s.secondPharmacist, rx.id, {}))).toMatchObject({ status: 409, code: 'being_prepared' });
		expect(await preparePrescription(db, s.secondPharmacist, rx.id, { takeOver: true })).toMatchObject({ preparedBy: s.secondPharmacist.actor.userId });
		const doc = pharmacyContract.parse(await projectClinicPharmacy(db, { type: 'pharmacy', clinicId: s.home.id }));
		expect(doc.prescriptions.find((p) => p.id === rx.id)).toMatchObject({ status: 'in_progress', preparedBy: { id: s.secondPharmacist.actor.userId } });

		await db.update(prescription).set({ issuedAt: null }).where(eq(prescription.id, rx.id));
		expect(
			await failure(dispensePrescription(db, s.pharmacist, rx.id, { lines: [{ lineId: rx.lines[0], quantity: 1 }], idempotencyKey: key() }))
		).toMatchObject({
			status: 409,
			code: 'prescription_not_issued'
		});
		await db.execute(sql`SELECT 1`);
	});
});
