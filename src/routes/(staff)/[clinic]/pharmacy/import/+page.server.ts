import { error, fail } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import type { Db } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { isAppError, type ErrorCode, type ErrorParams } from '$lib/server/errors';
import { m } from '$lib/paraglide/messages.js';
import type { ClinicAccess } from '$lib/server/tenancy/access';
import { currencyOf, formatMajorAmount, type Currency } from '$lib/server/tenancy/money';
import { can } from '$lib/server/pharmacy/policy';
import { CSV_COLUMNS } from '$lib/server/pharmacy/catalogue';
import { importMedicinesCsv } from '$lib/server/pharmacy/catalogueTransfer';
import { OPENING_STOCK_COLUMNS, importOpeningStock } from '$lib/server/pharmacy/stockImport';
import type { Actions, PageServerLoad } from './$types';

/*
 * One screen for both imports: opening stock (the pharmacy) and the catalogue (admins, as
 * `medicine.import` says). Either way: read the file, preview every row with its problems, leave
 * rows out, import; a refused import comes back with the same preview and the same choices.
 */

type Kind = 'stock' | 'catalogue';

/** A template for each kind: the header and one example row. */
const TEMPLATES: Record<Kind, string> = {
	stock: `${OPENING_STOCK_COLUMNS.join(',')}\nparacetamol,tablet,500 mg,B-1024,2028-06-30,200,2.50,4.00\n`,
	catalogue: `${CSV_COLUMNS.join(',')}\nparacetamol,tablet,500 mg,oral,N02BE01,N02B\n`
};

/** The columns the preview shows for each kind (the file's own column names). */
const SHOWN_COLUMNS: Record<Kind, readonly string[]> = {
	stock: OPENING_STOCK_COLUMNS,
	catalogue: ['genericName', 'form', 'strength', 'route', 'atc', 'atcClass']
};

export const load: PageServerLoad = async ({ parent, url }) => {
	const { role, user } = await parent();
	const actor = { userId: user.id, role };
	const kinds = { stock: can(actor, 'stock.receive'), catalogue: can(actor, 'medicine.import') };
	if (!kinds.stock && !kinds.catalogue) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const asked = url.searchParams.get('kind');
	const kind: Kind = (asked === 'catalogue' && kinds.catalogue) || !kinds.stock ? 'catalogue' : 'stock';
	return { kind, kinds, template: TEMPLATES[kind], columns: [...SHOWN_COLUMNS[kind]] };
};

type Problem = { field: string; code: ErrorCode; params?: ErrorParams };
type AnyRow = { line: number; dropped: boolean; present?: boolean; problems: Problem[] } & Record<string, unknown>;

/** The preview as the screen shows it: the kind's cells as text, each problem already in the reader's language. */
function shown(kind: Kind, rows: AnyRow[]) {
	const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
	return rows.map((r) => ({
		line: r.line,
		cells: SHOWN_COLUMNS[kind].map((c) => cell(r[c])),
		present: r.present ?? false,
		dropped: r.dropped,
		problems: r.problems.map((p) => ({ field: p.field, code: p.code, message: errorMessage(p.code, p.params ?? {}) }))
	}));
}

/** Prices come back in minor units: the preview shows them as decimals of the clinic's currency. */
function stockRows(rows: Awaited<ReturnType<typeof importOpeningStock>>['rows'], currency: Currency): AnyRow[] {
	const major = (v: number | null) => (v === null ? '' : formatMajorAmount(v, currency));
	return rows.map((r) => ({ ...r, costPrice: major(r.costPrice), salePrice: major(r.salePrice) }));
}

async function fileText(data: FormData): Promise<string> {
	const file = data.get('file');
	if (file instanceof File && file.size > 0) return file.text();
	const text = data.get('csv');
	return typeof text === 'string' ? text : '';
}

/** What is wrong with the file as a whole (line 1: its header, or no rows at all), one sentence each. */
function fileProblems(e: unknown): string[] {
	if (!isAppError(e) || e.code !== 'csv_invalid') return [];
	return e.fields
		.filter((f) => f.field.startsWith('line.1.'))
		.map((f) => {
			const column = f.field.slice('line.1.'.length);
			if (f.code === 'field_required') return m.import_missing_column({ column });
			if (column === 'file' && f.code === 'invalid_input') return m.import_unclosed_quote();
			return errorMessage(f.code, f.params);
		});
}

const kindOf = (data: FormData): Kind => (data.get('kind') === 'catalogue' ? 'catalogue' : 'stock');

/** Reads the file without writing anything: every row, those in `dropLines` marked dropped. */
async function previewOf(db: Db, access: ClinicAccess, kind: Kind, csv: string, dropLines: number[]): Promise<AnyRow[]> {
	if (kind === 'catalogue') return (await importMedicinesCsv(db, access.ctx, { csv, preview: true, dropLines })).rows;
	return stockRows((await importOpeningStock(db, access.ctx, { csv, preview: true, dropLines })).rows, currencyOf(access.clinic));
}

export const actions: Actions = {
	preview: async (event) => {
		const access = await requireClinic(event, event.params.clinic);
		const data = await event.request.formData();
		const kind = kindOf(data);
		const csv = await fileText(data);
		const { db } = await getDatabase();
		try {
			return { kind, step: 'preview' as const, csv, rows: shown(kind, await previewOf(db, access, kind, csv, [])) };
		} catch (e) {
			const failure = formFailure(e);
			return fail(failure.status, { ...failure.data, kind, fileProblems: fileProblems(e) });
		}
	},
	import: async (event) => {
		const access = await requireClinic(event, event.params.clinic);
		const { ctx } = access;
		const data = await event.request.formData();
		const kind = kindOf(data);
		const csv = await fileText(data);
		const { db } = await getDatabase();
		let rows: AnyRow[] | null = null;
		try {
			const chosen = data
				.getAll('drop')
				.map((v) => Number(v))
				.filter((n) => Number.isInteger(n) && n >= 1 && n <= 100_000);
			const read = await previewOf(db, access, kind, csv, chosen);
			const dropAllBad = data.get('goodOnly') === 'true';
			const dropLines = read.filter((r) => r.dropped || (dropAllBad && r.problems.length > 0)).map((r) => r.line);
			rows = read.map((r) => ({ ...r, dropped: dropLines.includes(r.line) }));
			if (kind === 'catalogue') {
				const result = await importMedicinesCsv(db, ctx, { csv, dropLines });
				return { kind, step: 'done' as const, added: result.imported, present: result.skipped.length, dropped: result.dropped };
			}
			const key = data.get('idempotencyKey');
			const result = await importOpeningStock(db, ctx, { csv, dropLines, idempotencyKey: typeof key === 'string' && key ? key : undefined });
			return { kind, step: 'done' as const, added: result.imported, present: 0, dropped: dropLines.length };
		} catch (e) {
			const failure = formFailure(e);
			// Refused: the same preview and the same choices come back, to fix the file or leave rows out and try again.
			return fail(failure.status, {
				...failure.data,
				kind,
				fileProblems: fileProblems(e),
				...(rows ? { step: 'preview' as const, csv, rows: shown(kind, rows) } : {})
			});
		}
	}
};
