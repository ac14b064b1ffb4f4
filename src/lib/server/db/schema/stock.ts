import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, boolean } from 'drizzle-orm/pg-core';
import { appUser } from './auth';
import { clinic } from './tenancy';
import { medicine, prescription, prescriptionLine } from './clinical';

/*
 * The pharmacy's stock (docs/ARCHITECTURE.md, "Pharmacy and stock"). Stock is kept per batch;
 * every change of a batch is an append-only `stock_movement`, and `stock_batch.on_hand` is the
 * running balance of its movements (never negative: a CHECK, not a read-then-write test). Amounts
 * are integer minor units of the clinic's currency; quantities are integers in the medicine's
 * dispensing unit.
 */

export const supplier = pgTable(
	'supplier',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		name: text().notNull(),
		phone: text().notNull().default(''),
		email: text().notNull().default(''),
		address: text().notNull().default(''),
		archived: boolean().notNull().default(false),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('supplier_clinic_name_key').on(t.clinicId, sql`lower(${t.name})`)]
);

export const purchaseOrderStatus = pgEnum('purchase_order_status', ['draft', 'ordered', 'partly_received', 'received', 'cancelled']);

export const purchaseOrder = pgTable(
	'purchase_order',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		refNo: integer().notNull(),
		supplierId: uuid()
			.notNull()
			.references(() => supplier.id),
		status: purchaseOrderStatus().notNull().default('draft'),
		note: text().notNull().default(''),
		createdBy: uuid()
			.notNull()
			.references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('purchase_order_clinic_ref_key').on(t.clinicId, t.refNo), index('purchase_order_status_idx').on(t.clinicId, t.status)]
);

export const purchaseOrderLine = pgTable(
	'purchase_order_line',
	{
		id: uuid().primaryKey().defaultRandom(),
		purchaseOrderId: uuid()
			.notNull()
			.references(() => purchaseOrder.id),
		medicineId: uuid()
			.notNull()
			.references(() => medicine.id),
		quantity: integer().notNull(),
		received: integer().notNull().default(0),
		/** Expected cost per unit, minor units. */
		costPrice: bigint({ mode: 'number' }).notNull().default(0)
	},
	(t) => [
		uniqueIndex('purchase_order_line_key').on(t.purchaseOrderId, t.medicineId),
		check('purchase_order_line_quantity', sql`${t.quantity} > 0 AND ${t.received} >= 0 AND ${t.received} <= ${t.quantity}`)
	]
);

/** One delivery of one medicine: what came in, at what cost and price, and what is left of it. */
export const stockBatch = pgTable(
	'stock_batch',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		medicineId: uuid()
			.notNull()
			.references(() => medicine.id),
		batchNumber: text().notNull(),
		expiry: date({ mode: 'string' }).notNull(),
		supplierId: uuid().references(() => supplier.id),
		purchaseOrderId: uuid().references(() => purchaseOrder.id),
		costPrice: bigint({ mode: 'number' }).notNull(),
		salePrice: bigint({ mode: 'number' }).notNull(),
		receivedQuantity: integer().notNull(),
		/** The running balance of the batch's movements; the CHECK is what keeps stock from going negative. */
		onHand: integer().notNull(),
		receivedBy: uuid()
			.notNull()
			.references(() => appUser.id),
		receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('stock_batch_medicine_idx').on(t.clinicId, t.medicineId, t.expiry),
		check('stock_batch_on_hand', sql`${t.onHand} >= 0`),
		check('stock_batch_prices', sql`${t.costPrice} >= 0 AND ${t.salePrice} >= 0 AND ${t.receivedQuantity} >= 0`)
	]
);

export const stockMovementKind = pgEnum('stock_movement_kind', [
	'received',
	'dispensed',
	'patient_return',
	'supplier_return',
	'adjusted',
	'written_off',
	'transfer_out',
	'transfer_in'
]);

/** Every change of a batch, signed (+ in, − out), never changed or removed: corrections are new movements. */
export const stockMovement = pgTable(
	'stock_movement',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		medicineId: uuid()
			.notNull()
			.references(() => medicine.id),
		batchId: uuid()
			.notNull()
			.references(() => stockBatch.id),
		kind: stockMovementKind().notNull(),
		quantity: integer().notNull(),
		/** The batch's on hand after this movement. */
		balanceAfter: integer().notNull(),
		reason: text().notNull().default(''),
		prescriptionId: uuid().references(() => prescription.id),
		prescriptionLineId: uuid().references(() => prescriptionLine.id),
		purchaseOrderId: uuid().references(() => purchaseOrder.id),
		stockCountId: uuid(),
		/** Pairs the two halves of a transfer between branches. */
		transferId: uuid(),
		actorId: uuid()
			.notNull()
			.references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('stock_movement_medicine_idx').on(t.clinicId, t.medicineId, t.createdAt),
		index('stock_movement_batch_idx').on(t.batchId, t.createdAt),
		index('stock_movement_line_idx').on(t.prescriptionLineId),
		check('stock_movement_quantity', sql`${t.quantity} <> 0 AND ${t.balanceAfter} >= 0`)
	]
);

export const pharmacyStatus = pgEnum('pharmacy_status', ['waiting', 'in_progress', 'waiting_for_stock', 'ready', 'collected']);
export const dispenseLineStatus = pgEnum('dispense_line_status', [
	'pending',
	'dispensed',
	'partly_dispensed',
	'waiting_for_stock',
	'substituted',
	'not_dispensed',
	'collected'
]);

/** The pharmacy's side of an issued prescription (the prescription itself never changes once issued). */
export const dispensing = pgTable(
	'dispensing',
	{
		prescriptionId: uuid()
			.primaryKey()
			.references(() => prescription.id),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		status: pharmacyStatus().notNull().default('waiting'),
		/** Who is preparing it now (presence is live; this is what stays after a reload). */
		preparedBy: uuid().references(() => appUser.id),
		readyBy: uuid().references(() => appUser.id),
		readyAt: timestamp({ withTimezone: true }),
		collectedBy: uuid().references(() => appUser.id),
		collectedAt: timestamp({ withTimezone: true }),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('dispensing_clinic_status_idx').on(t.clinicId, t.status)]
);

/** Per prescription line: how much has left the shelf for it, and what became of it. */
export const dispenseLine = pgTable(
	'dispense_line',
	{
		prescriptionLineId: uuid()
			.primaryKey()
			.references(() => prescriptionLine.id),
		prescriptionId: uuid()
			.notNull()
			.references(() => prescription.id),
		/** Whole units the line asks for (the prescribed quantity rounded up). */
		prescribed: integer().notNull(),
		dispensed: integer().notNull().default(0),
		returned: integer().notNull().default(0),
		status: dispenseLineStatus().notNull().default('pending'),
		/** The equivalent product given instead (same generic and strength). */
		substituteMedicineId: uuid().references(() => medicine.id),
		note: text().notNull().default(''),
		updatedBy: uuid().references(() => appUser.id),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('dispense_line_prescription_idx').on(t.prescriptionId),
		// However many requests arrive, a line never leaves the shelf beyond what was prescribed.
		check('dispense_line_quantities', sql`${t.dispensed} >= 0 AND ${t.dispensed} <= ${t.prescribed} AND ${t.returned} >= 0 AND ${t.returned} <= ${t.dispensed}`)
	]
);

export const stockCountStatus = pgEnum('stock_count_status', ['open', 'posted', 'cancelled']);

export const stockCount = pgTable(
	'stock_count',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		status: stockCountStatus().notNull().default('open'),
		createdBy: uuid()
			.notNull()
			.references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		postedBy: uuid().references(() => appUser.id),
		postedAt: timestamp({ withTimezone: true })
	},
	(t) => [index('stock_count_clinic_idx').on(t.clinicId, t.status)]
);

export const stockCountLine = pgTable(
	'stock_count_line',
	{
		stockCountId: uuid()
			.notNull()
			.references(() => stockCount.id),
		batchId: uuid()
			.notNull()
			.references(() => stockBatch.id),
		/** On hand when the count started; the posted difference is taken against on hand at posting. */
		expected: integer().notNull(),
		counted: integer(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.stockCountId, t.batchId] }), check('stock_count_line_counted', sql`${t.counted} IS NULL OR ${t.counted} >= 0`)]
);

export type StockBatch = typeof stockBatch.$inferSelect;
export type StockMovement = typeof stockMovement.$inferSelect;
