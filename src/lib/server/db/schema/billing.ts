import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { appUser } from './auth';
import { clinic } from './tenancy';
import { patient } from './patients';
import { visit } from './queue';
import { prescriptionLine } from './clinical';

/*
 * Billing (docs/ARCHITECTURE.md, "Billing"). Money is integer minor units of the clinic's
 * currency. An invoice is edited only while it is a draft; once issued its lines and amounts never
 * change: payments, refunds (negative payments referencing the original) and credit notes are
 * new rows, and the invoice's `paid` and `credited` are their running sums, held inside the total
 * by CHECKs so that no interleaving of two desks can collect more than is owed.
 */

/** What a line bills: the categories prices, taxes, earnings and reports group by. */
export const serviceCategory = pgEnum('service_category', ['consultation', 'procedure', 'lab', 'medicine', 'other']);

/** A service the clinic bills, priced by `service_price` rows that apply from a date. */
export const billingService = pgTable(
	'billing_service',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		name: text().notNull(),
		category: serviceCategory().notNull(),
		/** The doctor whose consultation this is (consultation services only). */
		doctorId: uuid().references(() => appUser.id),
		/** new, follow_up or emergency for consultations; '' otherwise. */
		visitType: text().notNull().default(''),
		archived: boolean().notNull().default(false),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('billing_service_clinic_name_key').on(t.clinicId, sql`lower(${t.name})`),
		check('billing_service_visit_type', sql`${t.visitType} IN ('', 'new', 'follow_up', 'emergency')`)
	]
);

/** A service's price from a day on (clinic calendar day); the latest row on or before a day applies. */
export const servicePrice = pgTable(
	'service_price',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		serviceId: uuid()
			.notNull()
			.references(() => billingService.id),
		price: bigint({ mode: 'number' }).notNull(),
		effectiveFrom: date({ mode: 'string' }).notNull(),
		createdBy: uuid()
			.notNull()
			.references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('service_price_from_key').on(t.serviceId, t.effectiveFrom), check('service_price_amount', sql`${t.price} >= 0`)]
);

/** A clinic's tax on one category of service: a rate in basis points, inside the price or on top. */
export const taxRule = pgTable(
	'tax_rule',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		category: serviceCategory().notNull(),
		name: text().notNull(),
		/** 1700 = 17 %. */
		rateBasisPoints: integer().notNull(),
		inclusive: boolean().notNull().default(false),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('tax_rule_category_key').on(t.clinicId, t.category), check('tax_rule_rate', sql`${t.rateBasisPoints} BETWEEN 0 AND 10000`)]
);

export const invoiceStatus = pgEnum('invoice_status', ['draft', 'issued', 'partly_paid', 'paid', 'void']);

export const invoice = pgTable(
	'invoice',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		patientId: uuid()
			.notNull()
			.references(() => patient.id),
		/** The visit an automatic invoice collects (one open draft per visit). */
		visitId: uuid().references(() => visit.id),
		source: text().notNull().default('manual'),
		status: invoiceStatus().notNull().default('draft'),
		/** `ABC01-INV-2026-000123`: given when issued, gapless per clinic and fiscal year. */
		number: text(),
		fiscalYear: integer(),
		subtotal: bigint({ mode: 'number' }).notNull().default(0),
		discount: bigint({ mode: 'number' }).notNull().default(0),
		tax: bigint({ mode: 'number' }).notNull().default(0),
		total: bigint({ mode: 'number' }).notNull().default(0),
		/** Payments less refunds. */
		paid: bigint({ mode: 'number' }).notNull().default(0),
		/** Credit notes against it. */
		credited: bigint({ mode: 'number' }).notNull().default(0),
		note: text().notNull().default(''),
		issuedAt: timestamp({ withTimezone: true }),
		issuedBy: uuid().references(() => appUser.id),
		voidedAt: timestamp({ withTimezone: true }),
		voidedBy: uuid().references(() => appUser.id),
		voidReason: text().notNull().default(''),
		createdBy: uuid()
			.notNull()
			.references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('invoice_number_key').on(t.clinicId, t.number),
		index('invoice_patient_idx').on(t.clinicId, t.patientId, t.createdAt),
		index('invoice_visit_idx').on(t.visitId),
		// One open automatic draft per visit: what completing it and dispensing for it add goes there.
		uniqueIndex('invoice_auto_draft_key')
			.on(t.visitId)
			.where(sql`${t.status} = 'draft' AND ${t.source} = 'auto'`),
		check('invoice_source', sql`${t.source} IN ('manual', 'auto')`),
		check('invoice_amounts', sql`${t.subtotal} >= 0 AND ${t.discount} >= 0 AND ${t.tax} >= 0 AND ${t.total} >= 0`),
		// Never more collected than is owed, whatever two desks do at once.
		check('invoice_paid', sql`${t.paid} >= 0 AND ${t.credited} >= 0 AND ${t.paid} + ${t.credited} <= ${t.total}`),
		// A draft has no number; an issued invoice always has one; a discarded draft becomes void without one.
		check(
			'invoice_number_when_issued',
			sql`(${t.status} = 'draft' AND ${t.number} IS NULL) OR (${t.status} IN ('issued', 'partly_paid', 'paid') AND ${t.number} IS NOT NULL) OR ${t.status} = 'void'`
		)
	]
);

export const invoiceLine = pgTable(
	'invoice_line',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		invoiceId: uuid()
			.notNull()
			.references(() => invoice.id),
		position: integer().notNull(),
		serviceId: uuid().references(() => billingService.id),
		category: serviceCategory().notNull(),
		description: text().notNull(),
		quantity: integer().notNull(),
		unitPrice: bigint({ mode: 'number' }).notNull(),
		/** The line's discount as an amount, and what it was given as. */
		discount: bigint({ mode: 'number' }).notNull().default(0),
		discountReason: text().notNull().default(''),
		taxRateBasisPoints: integer().notNull().default(0),
		taxInclusive: boolean().notNull().default(false),
		tax: bigint({ mode: 'number' }).notNull().default(0),
		/** What the line adds to the invoice's total, tax included. */
		total: bigint({ mode: 'number' }).notNull(),
		/** The prescription line whose handed-over medicine this bills (a line dispensed in parts is billed in parts). */
		prescriptionLineId: uuid().references(() => prescriptionLine.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('invoice_line_invoice_idx').on(t.invoiceId, t.position),
		index('invoice_line_prescription_line_idx').on(t.prescriptionLineId),
		check('invoice_line_amounts', sql`${t.quantity} > 0 AND ${t.unitPrice} >= 0 AND ${t.discount} >= 0 AND ${t.tax} >= 0 AND ${t.total} >= 0`)
	]
);

export const paymentMethod = pgEnum('payment_method', ['cash', 'card', 'wallet', 'bank', 'qr', 'credit']);

/** Money taken (positive) or given back (negative, `refundOf` the original). Never changed or removed. */
export const payment = pgTable(
	'payment',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		invoiceId: uuid()
			.notNull()
			.references(() => invoice.id),
		amount: bigint({ mode: 'number' }).notNull(),
		/** Of `amount`, what went to the patient's credit instead of the invoice (cash over the balance kept). */
		toCredit: bigint({ mode: 'number' }).notNull().default(0),
		method: paymentMethod().notNull(),
		reference: text().notNull().default(''),
		/** Cash handed over, when more than the amount (the change is the difference). */
		tendered: bigint({ mode: 'number' }),
		refundOf: uuid(),
		reason: text().notNull().default(''),
		actorId: uuid()
			.notNull()
			.references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('payment_invoice_idx').on(t.invoiceId, t.createdAt),
		index('payment_clinic_day_idx').on(t.clinicId, t.createdAt),
		check('payment_amount', sql`${t.amount} <> 0 AND (${t.amount} > 0) = (${t.refundOf} IS NULL)`),
		check('payment_to_credit', sql`${t.toCredit} >= 0 AND ${t.toCredit} <= abs(${t.amount})`)
	]
);

/** A patient's credit with the clinic: kept excess (+), spent on an invoice (−). Balance = the sum, never negative. */
export const patientCredit = pgTable(
	'patient_credit',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		patientId: uuid()
			.notNull()
			.references(() => patient.id),
		amount: bigint({ mode: 'number' }).notNull(),
		balanceAfter: bigint({ mode: 'number' }).notNull(),
		paymentId: uuid().references(() => payment.id),
		invoiceId: uuid().references(() => invoice.id),
		actorId: uuid()
			.notNull()
			.references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('patient_credit_patient_idx').on(t.clinicId, t.patientId, t.createdAt),
		check('patient_credit_balance', sql`${t.amount} <> 0 AND ${t.balanceAfter} >= 0`)
	]
);

/** A correction of an issued invoice: an amount it no longer asks for, numbered like invoices. */
export const creditNote = pgTable(
	'credit_note',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		invoiceId: uuid()
			.notNull()
			.references(() => invoice.id),
		number: text().notNull(),
		amount: bigint({ mode: 'number' }).notNull(),
		reason: text().notNull(),
		actorId: uuid()
			.notNull()
			.references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('credit_note_number_key').on(t.clinicId, t.number), check('credit_note_amount', sql`${t.amount} > 0`)]
);

export type BillingService = typeof billingService.$inferSelect;
export type Invoice = typeof invoice.$inferSelect;
export type InvoiceLine = typeof invoiceLine.$inferSelect;
export type Payment = typeof payment.$inferSelect;

/** A desk's day closed: what its payments say it took, per method, against what was counted. */
export const dayClose = pgTable(
	'day_close',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		/** The desk (the person who took the payments). */
		actorId: uuid()
			.notNull()
			.references(() => appUser.id),
		day: date({ mode: 'string' }).notNull(),
		expected: jsonb().$type<Record<string, number>>().notNull(),
		counted: jsonb().$type<Record<string, number>>().notNull(),
		reason: text().notNull().default(''),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('day_close_desk_day_key').on(t.clinicId, t.actorId, t.day)]
);

/**
 * A doctor's share of what a category of service brings in, from a day on: a percentage (basis
 * points) of each paid line's amount before tax, or a fixed amount per unit. The latest rule on or
 * before the invoice's day applies.
 */
export const doctorShare = pgTable(
	'doctor_share',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		doctorId: uuid()
			.notNull()
			.references(() => appUser.id),
		category: serviceCategory().notNull(),
		percentBasisPoints: integer(),
		fixedAmount: bigint({ mode: 'number' }),
		effectiveFrom: date({ mode: 'string' }).notNull(),
		createdBy: uuid()
			.notNull()
			.references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('doctor_share_from_key').on(t.clinicId, t.doctorId, t.category, t.effectiveFrom),
		check(
			'doctor_share_rule',
			sql`(${t.percentBasisPoints} IS NULL) <> (${t.fixedAmount} IS NULL) AND coalesce(${t.percentBasisPoints}, 0) BETWEEN 0 AND 10000 AND coalesce(${t.fixedAmount}, 0) >= 0`
		)
	]
);

/**
 * Who a clinic's payment QR codes pay (one row per clinic, set by admins): the EMVCo fields a
 * banking app shows (name and city, Latin letters as the standard asks), the account (an IBAN, a
 * Raast ID, a wallet number) with the identifier of its scheme from the bank, and a UPI VPA for
 * clinics billing in rupees. Without a row, a payment QR is refused (`payee_not_configured`).
 */
export const paymentSettings = pgTable('payment_settings', {
	clinicId: uuid()
		.primaryKey()
		.references(() => clinic.id),
	merchantName: text().notNull(),
	merchantCity: text().notNull(),
	account: text().notNull(),
	/** The payment scheme's globally unique identifier (EMVCo merchant account template, sub-tag 00); '' when the bank gave none. */
	accountScheme: text().notNull().default(''),
	upiVpa: text().notNull().default(''),
	updatedBy: uuid()
		.notNull()
		.references(() => appUser.id),
	updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
});
