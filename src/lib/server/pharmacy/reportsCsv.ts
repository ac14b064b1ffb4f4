import type { Db, Tx } from '../db';
import type { ClinicContext } from '../tenancy/context';
import { wallClock } from '../../time';
import { csvDocument, decimalAmount, type CsvFile } from './inventoryCsv';
import { dispensingLog, medicineMovementReport, stockValue } from './reports';
import { pharmacyClinic } from './stock';

/*
 * The reports as CSV files, written like the stock exports (`inventoryCsv.ts`): times on the
 * clinic's wall clock, quantities in whole units, amounts as plain decimals.
 */

type Reader = Db | Tx;

/** `GET …/pharmacy/reports/dispensing.csv?date=`: one row per dispensed or returned batch. */
export async function dispensingCsv(db: Reader, ctx: ClinicContext, query: unknown, now = new Date()): Promise<CsvFile> {
	const log = await dispensingLog(db, ctx, query, now);
	const home = await pharmacyClinic(db, ctx.clinicId);
	return {
		filename: `dispensing-${home.code}-${log.date}.csv`,
		body: csvDocument(
			['time', 'patient', 'patient_ref', 'visit', 'prescription_id', 'medicine', 'form', 'strength', 'batch', 'kind', 'quantity', 'pharmacist'],
			log.entries.map((e) => [
				wallClock(e.at, log.timezone),
				e.patient?.name ?? '',
				e.patient?.ref ?? '',
				e.visitRef ?? '',
				e.prescriptionId ?? '',
				e.medicine.genericName,
				e.medicine.form,
				e.medicine.strength,
				e.batchNumber,
				e.kind,
				e.quantity,
				e.pharmacist
			])
		)
	};
}

/** `GET …/pharmacy/reports/movements.csv`: an `opening` row, the movements with the running balance, a `closing` row. */
export async function movementReportCsv(db: Reader, ctx: ClinicContext, query: unknown, now = new Date()): Promise<CsvFile> {
	const report = await medicineMovementReport(db, ctx, query, now);
	const home = await pharmacyClinic(db, ctx.clinicId);
	const name = [report.medicine.genericName, report.medicine.strength].filter(Boolean).join('-');
	return {
		filename: `movements-${name}-${home.code}-${report.from}-${report.to}.csv`,
		body: csvDocument(
			['time', 'batch', 'kind', 'quantity', 'balance', 'reason', 'by'],
			[
				[`${report.from}T00:00:00`, '', 'opening', '', report.opening, '', ''],
				...report.movements.map((mv) => [wallClock(mv.at, report.timezone), mv.batchNumber, mv.kind, mv.quantity, mv.balance, mv.reason, mv.actorName]),
				[`${report.to}T23:59:59`, '', 'closing', '', report.closing, '', '']
			]
		)
	};
}

/** `GET …/stock/value.csv`: one row per medicine with stock, then a `TOTAL` row. */
export async function stockValueCsv(db: Reader, ctx: ClinicContext, now = new Date()): Promise<CsvFile> {
	const value = await stockValue(db, ctx, now);
	const home = await pharmacyClinic(db, ctx.clinicId);
	const money = (minor: number) => decimalAmount(minor, value.currencyExponent);
	return {
		filename: `stock-value-${home.code}-${value.today}.csv`,
		body: csvDocument(
			['medicine', 'form', 'strength', 'on_hand', `value_at_cost_${value.currency}`, `value_at_sale_${value.currency}`],
			[
				...value.medicines.map((r) => [r.medicine.genericName, r.medicine.form, r.medicine.strength, r.onHand, money(r.valueAtCost), money(r.valueAtSale)]),
				['TOTAL', '', '', value.totals.onHand, money(value.totals.valueAtCost), money(value.totals.valueAtSale)]
			]
		)
	};
}
