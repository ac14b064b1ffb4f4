import { and, asc, eq, gt, gte, inArray, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { appUser, medicine, patient, prescription, stockBatch, stockMovement, visit } from '../db/schema';
import type { Db, Tx } from '../db';
import { forbidden } from '../errors';
import { parseInput } from '../validation';
import { problem } from '../fieldCodes';
import { isoDay, uuid } from '../text';
import { formatRef } from '../tenancy/counters';
import type { ClinicContext } from '../tenancy/context';
import { addDays, clinicToday, dayBounds } from '../../time';
import { can } from './policy';
import { findMedicine, pharmacyClinic, type MovementKind } from './stock';

/*
 * The pharmacy's reports (docs/ARCHITECTURE.md, "Pharmacy and stock"): read-only views of the
 * stock ledger for pharmacists and admins (`stock.view`). Days are the clinic's days; amounts are
 * integer minor units of the clinic's currency, as stored.
 */

type Reader = Db | Tx;

export const MOVEMENT_KINDS = stockMovement.kind.enumValues;

/** A medicine as the reports name it. */
export type ReportMedicine = { id: string; genericName: string; form: string; strength: string };

const medicineColumns = { id: medicine.id, genericName: medicine.genericName, form: medicine.form, strength: medicine.strength };
const byName = (a: ReportMedicine, b: ReportMedicine) =>
	a.genericName.localeCompare(b.genericName) || a.form.localeCompare(b.form) || a.strength.localeCompare(b.strength);

/** `?date=`: one clinic day, today when left out. */
export const dispensingQuery = z.object({ date: isoDay().optional() });

export type DispensingEntry = {
	movementId: string;
	at: string;
	kind: 'dispensed' | 'patient_return';
	/** Units the patient took away: positive when dispensed, negative when brought back. */
	quantity: number;
	patient: { id: string; name: string; ref: string } | null;
	prescriptionId: string | null;
	visitRef: string | null;
	medicine: ReportMedicine;
	batchNumber: string;
	pharmacist: string;
};

export type DispensingTotal = { medicine: ReportMedicine; dispensed: number; returned: number; net: number };

/**
 * The daily dispensing log: every unit that left the shelf for a patient, or came back from one,
 * on one clinic day, oldest first, with the totals per medicine.
 */
export async function dispensingLog(db: Reader, ctx: ClinicContext, query: unknown, now = new Date()) {
	if (!can(ctx.actor, 'stock.view')) throw forbidden();
	const q = parseInput(dispensingQuery, query);
	const home = await pharmacyClinic(db, ctx.clinicId);
	const date = q.date ?? clinicToday(home.timezone, now);
	const bounds = dayBounds(date, home.timezone);
	const rows = await db
		.select({
			m: stockMovement,
			batchNumber: stockBatch.batchNumber,
			pharmacist: appUser.name,
			med: medicineColumns,
			patientId: patient.id,
			patientName: patient.name,
			patientRefNo: patient.refNo,
			visitRefNo: visit.refNo
		})
		.from(stockMovement)
		.innerJoin(stockBatch, eq(stockBatch.id, stockMovement.batchId))
		.innerJoin(medicine, eq(medicine.id, stockMovement.medicineId))
		.innerJoin(appUser, eq(appUser.id, stockMovement.actorId))
		.leftJoin(prescription, eq(prescription.id, stockMovement.prescriptionId))
		.leftJoin(patient, eq(patient.id, prescription.patientId))
		.leftJoin(visit, eq(visit.id, prescription.visitId))
		.where(
			and(
				eq(stockMovement.clinicId, ctx.clinicId),
				inArray(stockMovement.kind, ['dispensed', 'patient_return']),
				gte(stockMovement.createdAt, bounds.from),
				lt(stockMovement.createdAt, bounds.to)
			)
		)
		.orderBy(asc(stockMovement.createdAt), asc(stockMovement.id));
	const entries: DispensingEntry[] = rows.map((r) => ({
		movementId: r.m.id,
		at: r.m.createdAt.toISOString(),
		kind: r.m.kind === 'patient_return' ? 'patient_return' : 'dispensed',
		quantity: -r.m.quantity,
		patient:
			r.patientId && r.patientName !== null && r.patientRefNo !== null
				? { id: r.patientId, name: r.patientName, ref: formatRef(home.code, 'P', r.patientRefNo) }
				: null,
		prescriptionId: r.m.prescriptionId,
		visitRef: r.visitRefNo === null ? null : formatRef(home.code, 'V', r.visitRefNo),
		medicine: r.med,
		batchNumber: r.batchNumber,
		pharmacist: r.pharmacist
	}));
	const totals = new Map<string, DispensingTotal>();
	for (const e of entries) {
		const total = totals.get(e.medicine.id) ?? { medicine: e.medicine, dispensed: 0, returned: 0, net: 0 };
		if (e.kind === 'dispensed') total.dispensed += e.quantity;
		else total.returned -= e.quantity;
		total.net += e.quantity;
		totals.set(e.medicine.id, total);
	}
	return { date, timezone: home.timezone, entries, totals: [...totals.values()].sort((a, b) => byName(a.medicine, b.medicine)) };
}

/** Days a movement report covers when `from` is left out: the last 30 days up to `to`. */
const DEFAULT_RANGE_DAYS = 30;
/** Rows one report lists; the opening and closing balances stay exact beyond it. */
export const MOVEMENT_REPORT_LIMIT = 5000;

/** `?medicineId=&from=&to=&kind=` of the movements report. */
export const movementReportQuery = z
	.object({ medicineId: uuid(), from: isoDay().optional(), to: isoDay().optional(), kind: z.enum(MOVEMENT_KINDS).optional() })
	.refine((q) => !q.from || !q.to || q.from <= q.to, { ...problem('date_order', 'must not be before from'), path: ['to'] });

export type ReportMovement = {
	id: string;
	at: string;
	batchNumber: string;
	kind: MovementKind;
	quantity: number;
	/** The medicine's on hand (every batch) after this movement. */
	balance: number;
	reason: string;
	actorName: string;
};

/**
 * One medicine's movements over a range of clinic days, oldest first, each with the medicine's
 * running balance; the opening balance is everything before the first day, the closing balance
 * everything up to the end of the last. A `kind` filter hides rows, never changes a balance.
 */
export async function medicineMovementReport(db: Reader, ctx: ClinicContext, query: unknown, now = new Date()) {
	if (!can(ctx.actor, 'stock.view')) throw forbidden();
	const q = parseInput(movementReportQuery, query);
	const med = await findMedicine(db, ctx.clinicId, q.medicineId);
	const home = await pharmacyClinic(db, ctx.clinicId);
	const to = q.to ?? clinicToday(home.timezone, now);
	const from = q.from ?? addDays(to, 1 - DEFAULT_RANGE_DAYS);
	const start = dayBounds(from, home.timezone).from;
	const end = dayBounds(to, home.timezone).to;
	const ofMedicine = and(eq(stockMovement.clinicId, ctx.clinicId), eq(stockMovement.medicineId, med.id));
	const balanceBefore = async (instant: Date) => {
		const [row] = await db
			.select({ total: sql<string | null>`sum(${stockMovement.quantity})` })
			.from(stockMovement)
			.where(and(ofMedicine, lt(stockMovement.createdAt, instant)));
		return Number(row?.total ?? 0);
	};
	const opening = await balanceBefore(start);
	const closing = await balanceBefore(end);
	const rows = await db
		.select({ m: stockMovement, batchNumber: stockBatch.batchNumber, actorName: appUser.name })
		.from(stockMovement)
		.innerJoin(stockBatch, eq(stockBatch.id, stockMovement.batchId))
		.innerJoin(appUser, eq(appUser.id, stockMovement.actorId))
		.where(and(ofMedicine, gte(stockMovement.createdAt, start), lt(stockMovement.createdAt, end)))
		.orderBy(asc(stockMovement.createdAt), asc(stockMovement.id))
		.limit(MOVEMENT_REPORT_LIMIT + 1);
	let balance = opening;
	const movements: ReportMovement[] = [];
	for (const { m, batchNumber, actorName } of rows.slice(0, MOVEMENT_REPORT_LIMIT)) {
		balance += m.quantity;
		if (q.kind && m.kind !== q.kind) continue;
		movements.push({ id: m.id, at: m.createdAt.toISOString(), batchNumber, kind: m.kind, quantity: m.quantity, balance, reason: m.reason, actorName });
	}
	return {
		medicine: { id: med.id, genericName: med.genericName, form: med.form, strength: med.strength, unit: med.unit },
		from,
		to,
		kind: q.kind ?? null,
		timezone: home.timezone,
		opening,
		closing,
		truncated: rows.length > MOVEMENT_REPORT_LIMIT,
		movements
	};
}

export type StockValueRow = { medicine: ReportMedicine; unit: string; onHand: number; valueAtCost: number; valueAtSale: number };

/**
 * What the stock on hand is worth now, per medicine and in total: at what it cost (each batch's
 * cost price) and at what it sells for (each batch's sale price). Expired batches still on the
 * shelf count until they are written off.
 */
export async function stockValue(db: Reader, ctx: ClinicContext, now = new Date()) {
	if (!can(ctx.actor, 'stock.view')) throw forbidden();
	const home = await pharmacyClinic(db, ctx.clinicId);
	const rows = await db
		.select({
			med: medicineColumns,
			unit: medicine.unit,
			onHand: sql<string>`sum(${stockBatch.onHand})`,
			valueAtCost: sql<string>`sum(${stockBatch.onHand} * ${stockBatch.costPrice})`,
			valueAtSale: sql<string>`sum(${stockBatch.onHand} * ${stockBatch.salePrice})`
		})
		.from(stockBatch)
		.innerJoin(medicine, eq(medicine.id, stockBatch.medicineId))
		.where(and(eq(stockBatch.clinicId, ctx.clinicId), gt(stockBatch.onHand, 0)))
		.groupBy(medicine.id, medicine.genericName, medicine.form, medicine.strength, medicine.unit);
	const medicines: StockValueRow[] = rows
		.map((r) => ({ medicine: r.med, unit: r.unit, onHand: Number(r.onHand), valueAtCost: Number(r.valueAtCost), valueAtSale: Number(r.valueAtSale) }))
		.sort((a, b) => byName(a.medicine, b.medicine));
	const sum = (pick: (r: StockValueRow) => number) => medicines.reduce((total, r) => total + pick(r), 0);
	return {
		asOf: now.toISOString(),
		today: clinicToday(home.timezone, now),
		currency: home.currency,
		currencyExponent: home.currencyExponent,
		medicines,
		totals: { onHand: sum((r) => r.onHand), valueAtCost: sum((r) => r.valueAtCost), valueAtSale: sum((r) => r.valueAtSale) }
	};
}

/** The medicines a movements report may be of: every one that has ever had a batch, in name order. */
export async function reportableMedicines(db: Reader, ctx: ClinicContext): Promise<ReportMedicine[]> {
	if (!can(ctx.actor, 'stock.view')) throw forbidden();
	return db
		.select(medicineColumns)
		.from(medicine)
		.where(
			and(
				eq(medicine.clinicId, ctx.clinicId),
				sql`exists (select 1 from ${stockBatch} b where b.medicine_id = ${medicine.id} and b.clinic_id = ${ctx.clinicId})`
			)
		)
		.orderBy(asc(medicine.searchName), asc(medicine.form), asc(medicine.strength))
		.limit(5000);
}
