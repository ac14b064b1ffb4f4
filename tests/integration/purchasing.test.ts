import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { key } from './queueScene';
import { failure, inDays, ledgerHolds, pharmacyScene } from '../pharmacyScene';
import { makeClinic, makeMember } from '../factories';
import { ctxOf } from './queueScene';
import { createSupplier, listSuppliers, updateSupplier } from '../../src/lib/server/pharmacy/suppliers';
import {
	createPurchaseOrder,
	getPurchaseOrder,
	listPurchaseOrders,
	orderFromLowStock,
	purchaseOrderCsv,
	receivePurchaseOrder,
	stepPurchaseOrder,
	updatePurchaseOrder
} from '../../src/lib/server/pharmacy/purchaseOrders';
import { purchaseOrderPdf } from '../../src/lib/server/pharmacy/purchaseOrderPdf';
import { medicineStock } from '../../src/lib/server/pharmacy/stock';
import { medicine, stockBatch, stockMovement } from '../../src/lib/server/db/schema';
import type { Database } from '../../src/lib/server/db';

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

/** Which half of the page the first line of ink (the clinic's name) sits in, rendered in grey. */
function headingSide(dir: string, name: string, pdf: Uint8Array): 'left' | 'right' {
	writeFileSync(join(dir, `${name}.pdf`), pdf);
	execFileSync('pdftoppm', ['-r', '40', '-gray', '-f', '1', '-l', '1', '-singlefile', join(dir, `${name}.pdf`), join(dir, name)]);
	const image = readFileSync(join(dir, `${name}.pgm`));
	// P5 header: magic, width, height, maxval, each followed by one whitespace byte.
	const [, width, height] = image.subarray(0, 20).toString('latin1').split(/\s+/).map(Number);
	const start = image.length - width * height;
	for (let y = 0; y < height; y++) {
		const xs = [...image.subarray(start + y * width, start + (y + 1) * width)].flatMap((v, x) => (v < 128 ? [x] : []));
		if (xs.length) return (xs[0] + xs[xs.length - 1]) / 2 < width / 2 ? 'left' : 'right';
	}
	throw new Error('a blank page');
}

const labels = { medicine: 'Medicine', unit: 'Unit', quantity: 'Quantity', received: 'Received', costPrice: 'Unit cost', lineTotal: 'Line total' };

async function scene() {
	const s = await pharmacyScene(database.db);
	const adminUser = await makeMember(database.db, s.home.id, 'admin');
	const admin = ctxOf(s.home.id, adminUser.id, 'admin');
	const supplier = await createSupplier(database.db, s.pharmacist, { name: `Medi Supplies ${key()}`, phone: '0300 1234567', email: 'Orders@Medi.PK' });
	return { ...s, admin, supplier };
}

describe('suppliers', () => {
	it('are listed, added, changed and archived; a name is unique whatever its case; bad input changes nothing', async () => {
		const db = database.db;
		const s = await scene();
		expect(s.supplier).toMatchObject({ phone: '+923001234567', email: 'orders@medi.pk', address: '', archived: false });
		const other = await createSupplier(db, s.admin, { name: 'Karachi Pharma', address: 'Saddar, Karachi' });
		expect(await failure(createSupplier(db, s.pharmacist, { name: 'KARACHI pharma' }))).toMatchObject({ status: 409, code: 'supplier_name_taken' });
		expect(await failure(updateSupplier(db, s.pharmacist, s.supplier.id, { name: 'karachi PHARMA' }))).toMatchObject({
			status: 409,
			code: 'supplier_name_taken'
		});
		for (const [input, field, code] of [
			[{ name: '' }, 'name', 'field_required'],
			[{ name: 'X', phone: '12' }, 'phone', 'phone_invalid'],
			[{ name: 'X', email: 'not-an-email' }, 'email', 'email_invalid'],
			[{ name: 'X', colour: 'red' }, undefined, undefined]
		] as const) {
			const e = await failure(createSupplier(db, s.pharmacist, input));
			expect(e).toMatchObject({ status: 400 });
			if (field) expect((e as { fields: { field: string; code: string }[] }).fields[0]).toMatchObject({ field, code });
		}
		const archived = await updateSupplier(db, s.pharmacist, other.id, { archived: true, phone: '+92 42 35761234' });
		expect(archived).toMatchObject({ archived: true, phone: '+924235761234', name: 'Karachi Pharma' });
		const list = await listSuppliers(db, s.pharmacist);
		expect(list.suppliers.map((x) => x.name)).toEqual([s.supplier.name, 'Karachi Pharma']);
		// An archived supplier takes no new orders.
		const med = await s.addMedicine();
		expect(await failure(createPurchaseOrder(db, s.pharmacist, { supplierId: other.id, lines: [{ medicineId: med.id, quantity: 5 }] }))).toMatchObject({
			status: 400,
			field: 'supplierId'
		});
	});

	it('are the pharmacy’s and the administrator’s only, and never another clinic’s', async () => {
		const db = database.db;
		const s = await scene();
		for (const ctx of [s.doctor, s.reception]) {
			expect(await failure(listSuppliers(db, ctx))).toMatchObject({ status: 403 });
			expect(await failure(createSupplier(db, ctx, { name: 'Nope' }))).toMatchObject({ status: 403 });
			expect(await failure(updateSupplier(db, ctx, s.supplier.id, { name: 'Nope' }))).toMatchObject({ status: 403 });
			expect(await failure(listPurchaseOrders(db, ctx))).toMatchObject({ status: 403 });
			expect(await failure(orderFromLowStock(db, ctx, { supplierId: s.supplier.id }))).toMatchObject({ status: 403 });
		}
		const elsewhere = await makeClinic(db);
		const stranger = ctxOf(elsewhere.id, (await makeMember(db, elsewhere.id, 'pharmacist')).id, 'pharmacist');
		expect(await failure(updateSupplier(db, stranger, s.supplier.id, { name: 'Mine now' }))).toMatchObject({ status: 404 });
		expect((await listSuppliers(db, stranger)).suppliers).toEqual([]);
		const med = await s.addMedicine();
		expect(await failure(createPurchaseOrder(db, stranger, { supplierId: s.supplier.id, lines: [{ medicineId: med.id, quantity: 1 }] }))).toMatchObject({
			status: 400,
			field: 'supplierId'
		});
	});
});

describe('purchase orders', () => {
	it('are drafted from everything at or below its reorder level, printed, exported, and received in parts into new batches', async () => {
		const db = database.db;
		const s = await scene();
		const low = await s.addMedicine('lowmycin');
		const none = await s.addMedicine('nonemycin');
		const plenty = await s.addMedicine('plentymycin');
		const noLevel = await s.addMedicine('nolevelmycin');
		await db.update(medicine).set({ reorderLevel: 50, reorderQuantity: 200 }).where(eq(medicine.id, low.id));
		await db.update(medicine).set({ reorderLevel: 30, reorderQuantity: 0 }).where(eq(medicine.id, none.id));
		await db.update(medicine).set({ reorderLevel: 10, reorderQuantity: 100 }).where(eq(medicine.id, plenty.id));
		await s.stock(low.id, 'L1', inDays(300), 40);
		await s.stock(low.id, 'L-SOON', inDays(5), 500); // too close to expiry to count
		await s.stock(none.id, 'N1', inDays(300), 12);
		await s.stock(plenty.id, 'P1', inDays(300), 11);
		await s.stock(noLevel.id, 'X1', inDays(300), 0 + 1);

		const order = await orderFromLowStock(db, s.pharmacist, { supplierId: s.supplier.id, note: 'Urgent — before Friday' });
		expect(order).toMatchObject({ status: 'draft', ref: `${s.home.code}-PO1000`, supplier: { id: s.supplier.id } });
		expect(order.lines.map((l) => [l.medicineId, l.quantity, l.received, l.costPrice])).toEqual([
			[low.id, 200, 0, 500],
			[none.id, 18, 0, 500]
		]);
		expect(order.total).toBe(218 * 500);

		// The draft is edited, then ordered; a draft cannot be received.
		const edited = await updatePurchaseOrder(db, s.pharmacist, order.id, {
			lines: [
				{ medicineId: low.id, quantity: 100, costPrice: 450 },
				{ medicineId: none.id, quantity: 20, costPrice: 900 }
			]
		});
		expect(edited.lines.map((l) => [l.quantity, l.costPrice])).toEqual([
			[100, 450],
			[20, 900]
		]);
		const [lowLine, noneLine] = edited.lines;
		const receipt = (lines: unknown[]) => ({ lines, idempotencyKey: key() });
		expect(
			await failure(
				receivePurchaseOrder(
					db,
					s.pharmacist,
					order.id,
					receipt([{ lineId: lowLine.id, batchNumber: 'A', expiry: inDays(400), quantity: 1, costPrice: 1, salePrice: 2 }])
				)
			)
		).toMatchObject({ status: 409, code: 'purchase_order_state' });
		expect((await stepPurchaseOrder(db, s.pharmacist, order.id, 'order', {})).status).toBe('ordered');
		expect(await failure(updatePurchaseOrder(db, s.pharmacist, order.id, { note: 'late' }))).toMatchObject({ status: 409, code: 'purchase_order_state' });
		expect(await failure(stepPurchaseOrder(db, s.pharmacist, order.id, 'order', {}))).toMatchObject({ status: 409, code: 'purchase_order_state' });

		// Printed and exported.
		const csv = (await purchaseOrderCsv(db, s.pharmacist, order.id, labels)).csv;
		expect(csv.split('\r\n')).toEqual([
			'\uFEFFMedicine,Unit,Quantity,Received,Unit cost (PKR),Line total (PKR)',
			'lowmycin 250 mg (tablet),tablet,100,0,4.50,450.00',
			'nonemycin 250 mg (tablet),tablet,20,0,9.00,180.00',
			''
		]);
		const pdfLabels = {
			title: 'Purchase order',
			supplier: 'Supplier',
			date: 'Date',
			dateText: '6 December 2026',
			status: 'Ordered',
			orderedBy: 'Prepared by',
			medicine: 'Medicine',
			quantity: 'Quantity',
			costPrice: 'Unit cost',
			lineTotal: 'Line total',
			total: 'Total',
			note: 'نوٹ',
			money: (minor: number) => `Rs ${(minor / 100).toFixed(2)}`,
			direction: 'ltr'
		} as const;
		const view = await getPurchaseOrder(db, s.pharmacist, order.id);
		const pdf = await purchaseOrderPdf(view, { name: 'Shifa Clinic', city: 'Lahore' }, 'Pharmacist', pdfLabels);
		expect(Buffer.from(pdf.slice(0, 5)).toString('latin1')).toBe('%PDF-');
		const dir = mkdtempSync(join(tmpdir(), 'po-pdf-'));
		writeFileSync(join(dir, 'po.pdf'), pdf);
		execFileSync('pdftoppm', ['-r', '40', '-png', join(dir, 'po.pdf'), join(dir, 'page')]);
		expect(readdirSync(dir).filter((f) => f.endsWith('.png')).length).toBeGreaterThan(0);
		// In Urdu the clinic's name heads the page from the right; in English from the left.
		const urdu = await purchaseOrderPdf(view, { name: 'شفا کلینک', city: 'لاہور' }, 'ثنا', { ...pdfLabels, title: 'خریداری آرڈر', direction: 'rtl' });
		expect(headingSide(dir, 'en', pdf)).toBe('left');
		expect(headingSide(dir, 'ur', urdu)).toBe('right');

		// Part of it arrives: two batches for one line, nothing for the other.
		const first = await receivePurchaseOrder(
			db,
			s.pharmacist,
			order.id,
			receipt([
				{ lineId: lowLine.id, batchNumber: 'LOW-A', expiry: inDays(500), quantity: 60, costPrice: 450, salePrice: 700 },
				{ lineId: lowLine.id, batchNumber: 'LOW-B', expiry: inDays(600), quantity: 40, costPrice: 450, salePrice: 700 }
			])
		);
		expect(first.status).toBe('partly_received');
		expect(first.lines).toEqual([
			{ lineId: lowLine.id, quantity: 100, received: 100 },
			{ lineId: noneLine.id, quantity: 20, received: 0 }
		]);
		const movements = await db.select().from(stockMovement).where(eq(stockMovement.purchaseOrderId, order.id));
		expect(movements.map((m) => [m.kind, m.quantity]).sort()).toEqual([
			['received', 40],
			['received', 60]
		]);
		const batches = await db.select().from(stockBatch).where(eq(stockBatch.purchaseOrderId, order.id));
		expect(batches.every((b) => b.supplierId === s.supplier.id)).toBe(true);

		// More than is still to come is refused and changes nothing; an expired batch too.
		expect(
			await failure(
				receivePurchaseOrder(
					db,
					s.pharmacist,
					order.id,
					receipt([{ lineId: lowLine.id, batchNumber: 'LOW-C', expiry: inDays(500), quantity: 1, costPrice: 450, salePrice: 700 }])
				)
			)
		).toMatchObject({ status: 400, code: 'receive_exceeds', field: 'lines.0.quantity' });
		expect(
			await failure(
				receivePurchaseOrder(
					db,
					s.pharmacist,
					order.id,
					receipt([{ lineId: noneLine.id, batchNumber: 'OLD', expiry: inDays(-1), quantity: 1, costPrice: 1, salePrice: 1 }])
				)
			)
		).toMatchObject({ status: 400, code: 'batch_expired', field: 'lines.0.expiry' });
		for (const bad of [
			{ lines: [] },
			{ lines: [{ lineId: noneLine.id, batchNumber: '', expiry: inDays(10), quantity: 1, costPrice: 1, salePrice: 1 }] },
			{ lines: [{ lineId: noneLine.id, batchNumber: 'Q', expiry: 'tomorrow', quantity: 1, costPrice: 1, salePrice: 1 }] },
			{ lines: [{ lineId: noneLine.id, batchNumber: 'Q', expiry: inDays(10), quantity: 0, costPrice: 1, salePrice: 1 }] },
			{ lines: [{ lineId: noneLine.id, batchNumber: 'Q', expiry: inDays(10), quantity: 1, costPrice: -1, salePrice: 1 }] },
			{ lines: [{ lineId: lowLine.medicineId, batchNumber: 'Q', expiry: inDays(10), quantity: 1, costPrice: 1, salePrice: 1 }] }
		])
			expect(await failure(receivePurchaseOrder(db, s.pharmacist, order.id, { ...bad, idempotencyKey: key() }))).toMatchObject({ status: 400 });
		expect(
			await failure(
				receivePurchaseOrder(db, s.pharmacist, order.id, {
					lines: [{ lineId: noneLine.id, batchNumber: 'Q', expiry: inDays(10), quantity: 1, costPrice: 1, salePrice: 1 }]
				})
			)
		).toMatchObject({ status: 400, code: 'idempotency_key_required' });
		expect((await getPurchaseOrder(db, s.pharmacist, order.id)).lines.map((l) => l.received)).toEqual([100, 0]);
		expect(await failure(stepPurchaseOrder(db, s.pharmacist, order.id, 'cancel', {}))).toMatchObject({ status: 409, code: 'purchase_order_state' });

		// The rest arrives; the order is received and the stock shows the new batches.
		const rest = await receivePurchaseOrder(
			db,
			s.admin,
			order.id,
			receipt([{ lineId: noneLine.id, batchNumber: 'NONE-A', expiry: inDays(400), quantity: 20, costPrice: 900, salePrice: 1200 }])
		);
		expect(rest.status).toBe('received');
		expect((await medicineStock(db, s.pharmacist, none.id)).batches.map((b) => [b.batchNumber, b.onHand])).toEqual([
			['N1', 12],
			['NONE-A', 20]
		]);
		expect((await medicineStock(db, s.pharmacist, low.id)).dispensable).toBe(140);
		const listed = await listPurchaseOrders(db, s.pharmacist, { status: 'received' });
		expect(listed.orders.map((o) => [o.id, o.lineCount, o.total])).toEqual([[order.id, 2, 100 * 450 + 20 * 900]]);
		expect(await ledgerHolds(db, s.home.id)).toEqual([]);

		// Nothing low any more (low now has 140 dispensable, none 32).
		expect(await failure(orderFromLowStock(db, s.pharmacist, { supplierId: s.supplier.id }))).toMatchObject({ status: 409, code: 'nothing_to_order' });
	});

	it('never takes in more than was ordered, however many receipts race, and a retried receipt acts once', async () => {
		const db = database.db;
		const s = await scene();
		const med = await s.addMedicine();
		const order = await createPurchaseOrder(db, s.pharmacist, { supplierId: s.supplier.id, lines: [{ medicineId: med.id, quantity: 30, costPrice: 100 }] });
		await stepPurchaseOrder(db, s.pharmacist, order.id, 'order', { idempotencyKey: key() });
		const lineId = order.lines[0].id;
		const part = (n: number) => ({ lines: [{ lineId, batchNumber: `R${n}`, expiry: inDays(365), quantity: 10, costPrice: 100, salePrice: 150 }] });
		const results = await Promise.allSettled(
			Array.from({ length: 6 }, (_, i) => receivePurchaseOrder(db, i % 2 ? s.pharmacist : s.secondPharmacist, order.id, { ...part(i), idempotencyKey: key() }))
		);
		// Three fit; the others find the line full (or the order already received) and change nothing.
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
		const rejected = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
		expect(rejected.every((e) => e.code === 'receive_exceeds' || e.code === 'purchase_order_state')).toBe(true);
		const after = await getPurchaseOrder(db, s.pharmacist, order.id);
		expect(after.lines[0].received).toBe(30);
		expect(after.status).toBe('received');
		expect((await medicineStock(db, s.pharmacist, med.id)).onHand).toBe(30);
		expect(await ledgerHolds(db, s.home.id)).toEqual([]);

		// The same person retrying the same receipt gets the first answer, once.
		const other = await createPurchaseOrder(db, s.pharmacist, { supplierId: s.supplier.id, lines: [{ medicineId: med.id, quantity: 30, costPrice: 100 }] });
		await stepPurchaseOrder(db, s.pharmacist, other.id, 'order', {});
		const same = {
			lines: [{ lineId: other.lines[0].id, batchNumber: 'ONCE', expiry: inDays(365), quantity: 10, costPrice: 100, salePrice: 150 }],
			idempotencyKey: key()
		};
		const [a, b] = await Promise.all([receivePurchaseOrder(db, s.pharmacist, other.id, same), receivePurchaseOrder(db, s.pharmacist, other.id, same)]);
		expect(b).toEqual(a);
		expect((await getPurchaseOrder(db, s.pharmacist, other.id)).lines[0].received).toBe(10);
		expect((await medicineStock(db, s.pharmacist, med.id)).onHand).toBe(40);
	});

	it('refuses a doctor, the desk and another clinic, and bad orders change nothing', async () => {
		const db = database.db;
		const s = await scene();
		const med = await s.addMedicine();
		const order = await createPurchaseOrder(db, s.pharmacist, { supplierId: s.supplier.id, lines: [{ medicineId: med.id, quantity: 5 }] });
		for (const ctx of [s.doctor, s.reception]) {
			expect(await failure(getPurchaseOrder(db, ctx, order.id))).toMatchObject({ status: 403 });
			expect(await failure(stepPurchaseOrder(db, ctx, order.id, 'order', {}))).toMatchObject({ status: 403 });
			expect(await failure(receivePurchaseOrder(db, ctx, order.id, { lines: [], idempotencyKey: key() }))).toMatchObject({ status: 403 });
			expect(await failure(purchaseOrderCsv(db, ctx, order.id, labels))).toMatchObject({ status: 403 });
		}
		const elsewhere = await makeClinic(db);
		const stranger = ctxOf(elsewhere.id, (await makeMember(db, elsewhere.id, 'admin')).id, 'admin');
		expect(await failure(getPurchaseOrder(db, stranger, order.id))).toMatchObject({ status: 404 });
		expect(await failure(stepPurchaseOrder(db, stranger, order.id, 'cancel', {}))).toMatchObject({ status: 404 });
		expect(await failure(getPurchaseOrder(db, s.pharmacist, 'not-a-uuid'))).toMatchObject({ status: 404 });

		const foreignMed = (
			await db.insert(medicine).values({ clinicId: elsewhere.id, genericName: 'foreign', form: 'tablet', route: 'oral', source: 'clinic' }).returning()
		)[0];
		for (const bad of [
			{ supplierId: s.supplier.id, lines: [] },
			{ supplierId: s.supplier.id, lines: [{ medicineId: med.id, quantity: 0 }] },
			{ supplierId: s.supplier.id, lines: [{ medicineId: med.id, quantity: 1.5 }] },
			{ supplierId: s.supplier.id, lines: [{ medicineId: med.id, quantity: 2, costPrice: -3 }] },
			{
				supplierId: s.supplier.id,
				lines: [
					{ medicineId: med.id, quantity: 2 },
					{ medicineId: med.id, quantity: 3 }
				]
			},
			{ supplierId: s.supplier.id, lines: [{ medicineId: foreignMed.id, quantity: 2 }] },
			{ supplierId: 'nope', lines: [{ medicineId: med.id, quantity: 2 }] }
		])
			expect(await failure(createPurchaseOrder(db, s.pharmacist, bad))).toMatchObject({ status: 400 });
		expect((await listPurchaseOrders(db, s.pharmacist)).orders.map((o) => o.id)).toEqual([order.id]);
		expect((await stepPurchaseOrder(db, s.pharmacist, order.id, 'cancel', {})).status).toBe('cancelled');
		expect(await failure(stepPurchaseOrder(db, s.pharmacist, order.id, 'order', {}))).toMatchObject({ status: 409, code: 'purchase_order_state' });
	});
});
