import { and, asc, eq, gt, lte } from 'drizzle-orm';
import { z } from 'zod';
import { medicine, stockBatch } from '../db/schema';
import type { Db, Tx } from '../db';
import { forbidden } from '../errors';
import { parseInput } from '../validation';
import { withFieldCode } from '../fieldCodes';
import type { ClinicContext } from '../tenancy/context';
import { addDays, clinicToday } from '../../time';
import { can } from './policy';
import { pharmacyClinic, stockMovements } from './stock';

type Reader = Db | Tx;
type Cell = string | number;

/**
 * One CSV cell. A cell a spreadsheet would read as a formula (= + - @, or a tab or carriage return
 * in front) gets a leading apostrophe: a batch number or a note is text, never something to run.
 * A plain signed number ("-500.00", a refund) is a number, not a formula, and stays as it is.
 */
export function csvCell(value: Cell): string {
	let text = String(value);
	if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^-\d+(\.\d+)?$/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole CSV file: UTF-8 with a byte-order mark so Excel reads Urdu names, CRLF line ends. */
export function csvDocument(header: string[], rows: Cell[][]): string {
	return '\uFEFF' + [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Integer minor units as a plain decimal ("1234.50"), the way accounting software imports them. */
export const decimalAmount = (minor: number, exponent: number) => (exponent === 0 ? String(minor) : (minor / 10 ** exponent).toFixed(exponent));

export type CsvFile = { filename: string; body: string };

async function batchRows(db: Reader, ctx: ClinicContext, lastExpiry?: string) {
	const conditions = [eq(stockBatch.clinicId, ctx.clinicId), gt(stockBatch.onHand, 0)];
	if (lastExpiry) conditions.push(lte(stockBatch.expiry, lastExpiry));
	return db
		.select({ b: stockBatch, genericName: medicine.genericName, form: medicine.form, strength: medicine.strength })
		.from(stockBatch)
		.innerJoin(medicine, eq(medicine.id, stockBatch.medicineId))
		.where(and(...conditions))
		.orderBy(asc(medicine.searchName), asc(medicine.form), asc(medicine.strength), asc(stockBatch.expiry), asc(stockBatch.batchNumber));
}

/** `GET …/stock.csv`: one row per batch with stock, valued at cost. */
export async function stockCsv(db: Reader, ctx: ClinicContext, now = new Date()): Promise<CsvFile> {
	if (!can(ctx.actor, 'stock.view')) throw forbidden();
	const home = await pharmacyClinic(db, ctx.clinicId);
	const rows = await batchRows(db, ctx);
	const money = (minor: number) => decimalAmount(minor, home.currencyExponent);
	return {
		filename: `stock-${home.code}-${clinicToday(home.timezone, now)}.csv`,
		body: csvDocument(
			['medicine', 'form', 'strength', 'batch', 'expiry', 'on_hand', `cost_${home.currency}`, `sale_price_${home.currency}`, `value_at_cost_${home.currency}`],
			rows.map(({ b, genericName, form, strength }) => [
				genericName,
				form,
				strength,
				b.batchNumber,
				b.expiry,
				b.onHand,
				money(b.costPrice),
				money(b.salePrice),
				money(b.costPrice * b.onHand)
			])
		)
	};
}

/** `?days=` of the expiring export: 90 unless asked, at most a year ahead. */
export const expiringQuery = z.object({
	days: withFieldCode(
		z
			.string()
			.regex(/^\d{1,3}$/)
			.transform(Number)
			.pipe(z.number().int().min(1).max(365)),
		'field_invalid'
	).default(90)
});

/** `GET …/stock/expiring.csv?days=90`: batches with stock that expire within `days` (or already have). */
export async function expiringCsv(db: Reader, ctx: ClinicContext, query: unknown, now = new Date()): Promise<CsvFile> {
	if (!can(ctx.actor, 'stock.view')) throw forbidden();
	const { days } = parseInput(expiringQuery, query);
	const home = await pharmacyClinic(db, ctx.clinicId);
	const today = clinicToday(home.timezone, now);
	const rows = await batchRows(db, ctx, addDays(today, days));
	const money = (minor: number) => decimalAmount(minor, home.currencyExponent);
	const daysLeft = (expiry: string) => Math.round((Date.parse(expiry) - Date.parse(today)) / 86_400_000);
	return {
		filename: `expiring-${days}d-${home.code}-${today}.csv`,
		body: csvDocument(
			['medicine', 'form', 'strength', 'batch', 'expiry', 'days_left', 'on_hand', `value_at_cost_${home.currency}`],
			rows.map(({ b, genericName, form, strength }) => [
				genericName,
				form,
				strength,
				b.batchNumber,
				b.expiry,
				daysLeft(b.expiry),
				b.onHand,
				money(b.costPrice * b.onHand)
			])
		)
	};
}

/** `GET …/stock/movements.csv?medicineId=&from=&to=`: the movements the JSON list gives, newest first. */
export async function movementsCsv(db: Reader, ctx: ClinicContext, query: unknown): Promise<CsvFile> {
	const { movements } = await stockMovements(db, ctx, query);
	const home = await pharmacyClinic(db, ctx.clinicId);
	const names = new Map<string, string>();
	const ids = [...new Set(movements.map((mv) => mv.medicineId))];
	if (ids.length > 0) {
		const meds = await db
			.select({ id: medicine.id, genericName: medicine.genericName, form: medicine.form, strength: medicine.strength })
			.from(medicine)
			.where(eq(medicine.clinicId, ctx.clinicId));
		for (const med of meds) names.set(med.id, [med.genericName, med.form, med.strength].filter(Boolean).join(' '));
	}
	return {
		filename: `stock-movements-${home.code}-${clinicToday(home.timezone)}.csv`,
		body: csvDocument(
			['at', 'medicine', 'batch', 'kind', 'quantity', 'balance_after', 'reason', 'by'],
			movements.map((mv) => [mv.at, names.get(mv.medicineId) ?? mv.medicineId, mv.batchNumber, mv.kind, mv.quantity, mv.balanceAfter, mv.reason, mv.actorName])
		)
	};
}
