import { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import { medicine, stockBatch } from '../db/schema';
import type { Db } from '../db';
import { idempotencyKeyInput, optionalIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { forbidden, isAppError, type ErrorCode, type ErrorParams } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { currencyOf, parseMajorAmount } from '../tenancy/money';
import { documentsChanged } from '../sync/changes';
import { documentName } from '../../sync/protocol';
import { clinicToday, isCalendarDay } from '../../time';
import { can } from './policy';
import { MAX_CSV_ROWS, csvRows } from './catalogue';
import { csvRefusal, importMedicinesCsv } from './catalogueTransfer';
import { csvText, dropLinesInput } from './schema';
import { moveStock, pharmacyClinic } from './stock';

/*
 * Opening stock from CSV (docs/ARCHITECTURE.md, "Pharmacy and stock"): one row per batch already
 * on the shelf when the clinic starts using Tabeeb. A preview reports every row with its problems
 * and writes nothing; an import writes nothing while any row it keeps is wrong. The user drops a
 * bad row (`dropLines`) to import the rest. Each batch arrives as a `received` movement with
 * reason `opening_stock`.
 */

export const OPENING_STOCK_COLUMNS = ['genericName', 'form', 'strength', 'batchNumber', 'expiry', 'quantity', 'costPrice', 'salePrice'] as const;

export const openingStockInput = z.strictObject({
	csv: csvText,
	preview: z.boolean().default(false),
	/** File lines (as the preview numbered them) to leave out. */
	dropLines: dropLinesInput,
	idempotencyKey: idempotencyKeyInput.optional()
});

/** `POST …/medicines/import`: opening stock (`kind: 'stock'`) or the catalogue (`kind: 'catalogue'`, admins). */
export const medicinesImportInput = z.discriminatedUnion('kind', [
	openingStockInput.extend({ kind: z.literal('stock') }),
	z.strictObject({
		kind: z.literal('catalogue'),
		csv: csvText,
		preview: z.boolean().default(false),
		dropLines: dropLinesInput,
		idempotencyKey: idempotencyKeyInput.optional()
	})
]);

export type OpeningStockRow = {
	line: number;
	medicineId: string | null;
	genericName: string;
	form: string;
	strength: string;
	batchNumber: string;
	expiry: string;
	quantity: number | null;
	costPrice: number | null;
	salePrice: number | null;
	dropped: boolean;
	problems: { field: string; code: ErrorCode; params?: ErrorParams }[];
};

export type OpeningStockResult = { preview: boolean; rows: OpeningStockRow[]; imported: number };

const MAX_AMOUNT = 1_000_000_000_000;
/** The catalogue's own key (generic name, form and strength, whatever the case). */
const catalogueKey = (m: { genericName: string; form: string; strength: string }) => [m.genericName, m.form, m.strength].map((p) => p.toLowerCase()).join('|');

const fileProblem = (field: string, code: ErrorCode, params?: ErrorParams) => csvRefusal([{ line: 1, field, code, params }]);

/** Every row of the file with what is wrong with it, matched to this clinic's catalogue. */
async function readOpeningStock(db: Db, ctx: ClinicContext, csv: string, dropLines: readonly number[], now: Date) {
	const rows = csvRows(csv);
	if (rows === null) throw fileProblem('file', 'invalid_input');
	const [header, ...lines] = rows;
	const columns = header?.cells.map((c) => c.trim()) ?? [];
	const missing = OPENING_STOCK_COLUMNS.filter((c) => !columns.includes(c));
	if (missing.length > 0) throw csvRefusal(missing.map((field) => ({ line: 1, field, code: 'field_required' })));
	const body = lines.filter((row) => row.cells.some((c) => c.trim() !== ''));
	if (body.length === 0) throw fileProblem('file', 'csv_empty');
	if (body.length > MAX_CSV_ROWS) throw fileProblem('file', 'field_too_large', { max: MAX_CSV_ROWS });

	const home = await pharmacyClinic(db, ctx.clinicId);
	const currency = currencyOf(home);
	const today = clinicToday(home.timezone, now);
	const catalogue = await db
		.select({ id: medicine.id, genericName: medicine.genericName, form: medicine.form, strength: medicine.strength })
		.from(medicine)
		.where(and(eq(medicine.clinicId, ctx.clinicId), eq(medicine.archived, false)));
	const byKey = new Map(catalogue.map((m) => [catalogueKey(m), m.id]));
	const dropped = new Set(dropLines);
	const result: OpeningStockRow[] = [];
	for (const row of body) {
		const cell = (column: string) => (row.cells[columns.indexOf(column)] ?? '').trim();
		const problems: OpeningStockRow['problems'] = [];
		const generic = { genericName: cell('genericName'), form: cell('form'), strength: cell('strength') };
		const medicineId = byKey.get(catalogueKey(generic)) ?? null;
		if (!generic.genericName) problems.push({ field: 'genericName', code: 'field_required' });
		else if (!medicineId)
			problems.push({
				field: 'genericName',
				code: 'medicine_not_in_catalogue',
				params: { name: [generic.genericName, generic.strength, generic.form].filter(Boolean).join(' ') }
			});
		const batchNumber = cell('batchNumber');
		if (!batchNumber) problems.push({ field: 'batchNumber', code: 'field_required' });
		else if (batchNumber.length > 60) problems.push({ field: 'batchNumber', code: 'field_too_long' });
		const expiry = cell('expiry');
		if (!/^\d{4}-\d{2}-\d{2}$/.test(expiry) || !isCalendarDay(expiry))
			problems.push({ field: 'expiry', code: 'date_invalid', params: { from: '1900', to: '2200' } });
		else if (expiry < today) problems.push({ field: 'expiry', code: 'batch_expired' });
		const quantityText = cell('quantity');
		const quantity = /^\d+$/.test(quantityText) && Number(quantityText) >= 1 && Number(quantityText) <= 1_000_000 ? Number(quantityText) : null;
		if (quantity === null) problems.push({ field: 'quantity', code: 'units_invalid' });
		const amount = (field: 'costPrice' | 'salePrice') => {
			try {
				return parseMajorAmount(cell(field), currency, MAX_AMOUNT, field);
			} catch (e) {
				if (!isAppError(e)) throw e;
				problems.push({ field, code: e.fields[0]?.code ?? e.code, params: e.fields[0]?.params ?? e.params });
				return null;
			}
		};
		const costPrice = amount('costPrice');
		const salePrice = amount('salePrice');
		result.push({ line: row.line, medicineId, ...generic, batchNumber, expiry, quantity, costPrice, salePrice, dropped: dropped.has(row.line), problems });
	}
	return { rows: result, today };
}

/**
 * `POST …/medicines/import` with `kind: 'stock'`: previews or imports opening stock. Importing
 * with a kept row that is wrong is refused whole (400 `csv_invalid`, every problem as
 * `line.<n>.<column>`), so nothing half-arrives.
 */
export async function importOpeningStock(db: Db, ctx: ClinicContext, input: unknown, now = new Date()): Promise<OpeningStockResult> {
	if (!can(ctx.actor, 'stock.receive')) throw forbidden();
	const data = parseInput(openingStockInput, input);
	return importParsedStock(db, ctx, data, now);
}

/** The API's one import: the catalogue goes to `importMedicinesCsv`, opening stock stays here. */
export async function importMedicines(db: Db, ctx: ClinicContext, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'stock.receive') && !can(ctx.actor, 'medicine.import')) throw forbidden();
	const data = parseInput(medicinesImportInput, input);
	if (data.kind === 'catalogue') {
		const { kind, ...rest } = data;
		return { kind, ...(await importMedicinesCsv(db, ctx, rest)) };
	}
	if (!can(ctx.actor, 'stock.receive')) throw forbidden();
	const { kind, ...rest } = data;
	return { kind, ...(await importParsedStock(db, ctx, rest, now)) };
}

async function importParsedStock(db: Db, ctx: ClinicContext, data: z.infer<typeof openingStockInput>, now: Date): Promise<OpeningStockResult> {
	const { rows } = await readOpeningStock(db, ctx, data.csv, data.dropLines, now);
	if (data.preview) return { preview: true, rows, imported: 0 };
	const kept = rows.filter((r) => !r.dropped);
	const problems = kept.flatMap((r) => r.problems.map((p) => ({ ...p, line: r.line })));
	if (problems.length > 0) throw csvRefusal(problems);
	const idempotency = optionalIdempotency(`stock.import:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, {
		csv: data.csv,
		dropLines: data.dropLines
	});
	return runCommand(db, idempotency, async (tx) => {
		for (const r of kept) {
			if (!r.medicineId || r.quantity === null || r.costPrice === null || r.salePrice === null) continue;
			// A new batch is seen by no other command until this commits: no lock to take.
			const [batch] = await tx
				.insert(stockBatch)
				.values({
					clinicId: ctx.clinicId,
					medicineId: r.medicineId,
					batchNumber: r.batchNumber,
					expiry: r.expiry,
					costPrice: r.costPrice,
					salePrice: r.salePrice,
					receivedQuantity: r.quantity,
					onHand: 0,
					receivedBy: ctx.actor.userId,
					receivedAt: now
				})
				.returning({ id: stockBatch.id });
			await moveStock(tx, ctx, batch.id, 'received', r.quantity, { reason: 'opening_stock' }, now);
		}
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'stock.import',
			entityType: 'clinic',
			entityId: ctx.clinicId,
			data: { imported: kept.length, dropped: rows.length - kept.length }
		});
		if (kept.length > 0) await documentsChanged(tx, [documentName.pharmacy(ctx.clinicId)]);
		return { preview: false, rows, imported: kept.length };
	});
}
