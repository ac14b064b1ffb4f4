import { z } from 'zod';
import type { ErrorCode, ErrorParams } from '../errors';
import { cleanText } from '../text';
import essentialMedicinesData from './essentialMedicines.data.json';
import interactionsData from './interactions.data.json';

/**
 * The medicines a prescriber picks from and the interactions a prescription warns about:
 * reference data shipped with Tabeeb (sources named inside the two JSON files), validated once
 * at load so a bad edit to the data fails the first test rather than a prescription.
 */

export const DOSAGE_FORMS = [
	'tablet',
	'capsule',
	'oral liquid',
	'oral powder',
	'injection',
	'infusion',
	'cream',
	'ointment',
	'lotion',
	'topical solution',
	'eye drops',
	'eye ointment',
	'inhaler',
	'nebuliser solution',
	'nasal spray',
	'suppository',
	'rectal solution',
	'pessary',
	'transdermal patch'
] as const;

export const ROUTES = [
	'oral',
	'parenteral',
	'IV',
	'IM',
	'SC',
	'intrathecal',
	'topical',
	'ophthalmic',
	'inhalation',
	'nasal',
	'rectal',
	'vaginal',
	'transdermal'
] as const;

export const SEVERITIES = ['contraindicated', 'major', 'moderate'] as const;

/** A full (level 5) ATC code, e.g. J01CA04 amoxicillin. */
export const ATC_CODE = /^[A-V][0-9]{2}[A-Z]{2}[0-9]{2}$/;
/** An ATC class at level 1 to 4: J, J01, J01C, J01CA. */
export const ATC_CLASS = /^[A-V]([0-9]{2}([A-Z]([A-Z])?)?)?$/;

const atcCode = z.string().regex(ATC_CODE);
const atcCodeOrClass = z.string().refine((v) => ATC_CODE.test(v) || ATC_CLASS.test(v));

export const medicineSchema = z
	.object({
		genericName: cleanText(120).pipe(z.string().min(1)),
		form: z.enum(DOSAGE_FORMS),
		strength: cleanText(60).pipe(z.string().min(1)),
		route: z.enum(ROUTES),
		atc: atcCode,
		atcClass: z.string().regex(/^[A-V][0-9]{2}[A-Z]$/)
	})
	.refine((m) => m.atc.startsWith(m.atcClass), { path: ['atcClass'] });

export type Medicine = z.infer<typeof medicineSchema>;

const interactionSide = z.object({
	atc: z.array(atcCodeOrClass).min(1),
	label: z.string().min(1)
});

export const interactionSchema = z.object({
	a: interactionSide,
	b: interactionSide,
	severity: z.enum(SEVERITIES),
	description: z.string().min(1),
	sources: z.array(z.string().min(1)).min(1)
});

export type Interaction = z.infer<typeof interactionSchema>;

const essentialMedicinesFile = z.object({
	sources: z.object({
		essentialMedicines: z.object({ name: z.string(), edition: z.string() }),
		atc: z.object({ name: z.string() })
	}),
	entries: z.array(medicineSchema)
});

const interactionsFile = z.object({ interactions: z.array(interactionSchema) });

/** The key a catalogue keeps unique: one entry per generic name, form and strength. */
export function medicineKey(m: { genericName: string; form: string; strength: string }): string {
	return [m.genericName, m.form, m.strength].map((part) => part.toLowerCase()).join('|');
}

export function loadEssentialMedicines(data: unknown = essentialMedicinesData) {
	return essentialMedicinesFile.parse(data);
}

export function loadInteractions(data: unknown = interactionsData): readonly Interaction[] {
	return interactionsFile.parse(data).interactions;
}

let starter: readonly Medicine[] | null = null;
let interactions: readonly Interaction[] | null = null;

/** The shipped starter list (WHO Model List of Essential Medicines with ATC codes). */
export function starterMedicines(): readonly Medicine[] {
	starter ??= loadEssentialMedicines().entries;
	return starter;
}

function shippedInteractions(): readonly Interaction[] {
	interactions ??= loadInteractions();
	return interactions;
}

/**
 * Medicines whose generic name matches the query: the exact name first, then names starting
 * with it, then names with a word starting with it; alphabetical within each rank.
 */
export function searchMedicines(q: string, list: readonly Medicine[] = starterMedicines(), limit = 50): Medicine[] {
	const query = q.trim().toLowerCase().replace(/\s+/g, ' ');
	if (query === '') return [];
	const ranked: { rank: number; medicine: Medicine }[] = [];
	for (const medicine of list) {
		const rank = matchRank(medicine.genericName.toLowerCase(), query);
		if (rank !== null) ranked.push({ rank, medicine });
	}
	ranked.sort(
		(x, y) =>
			x.rank - y.rank ||
			x.medicine.genericName.localeCompare(y.medicine.genericName) ||
			x.medicine.form.localeCompare(y.medicine.form) ||
			x.medicine.strength.localeCompare(y.medicine.strength, undefined, { numeric: true })
	);
	return ranked.slice(0, limit).map((r) => r.medicine);
}

function matchRank(name: string, query: string): number | null {
	if (name === query) return 0;
	if (name.startsWith(query)) return 1;
	// Words split on spaces and the punctuation of combination and salt names: "lamivudine + zidovudine", "(ddI)".
	const words = name.split(/[\s+/(),-]+/).filter((w) => w !== '');
	if (words.some((w) => w.startsWith(query))) return 2;
	return null;
}

/** Does an ATC code fall under a code or class (a code is a class of itself)? */
export function atcMatches(code: string, codeOrClass: string): boolean {
	return code.startsWith(codeOrClass);
}

/** The shipped interactions between two medicines given by ATC code, in either order. */
export function interactionsBetween(atcA: string, atcB: string, table: readonly Interaction[] = shippedInteractions()): Interaction[] {
	const under = (code: string, side: Interaction['a']) => side.atc.some((c) => atcMatches(code, c));
	return table.filter((i) => (under(atcA, i.a) && under(atcB, i.b)) || (under(atcB, i.a) && under(atcA, i.b)));
}

export const CSV_COLUMNS = ['genericName', 'form', 'strength', 'route', 'atc', 'atcClass'] as const;

export type CsvProblem = { line: number; field: string; code: ErrorCode; params?: ErrorParams };

/** The most data rows one CSV file may hold (catalogue or opening stock). */
export const MAX_CSV_ROWS = 5000;

/** One data row of a catalogue file: its cells by column, the medicine when the row is right, and what is wrong. */
export type MedicineCsvRow = { line: number; cells: Record<string, string>; medicine: Medicine | null; problems: CsvProblem[] };

/**
 * A clinic's own medicines from CSV, row by row (header row of CSV_COLUMNS; atcClass may be left
 * empty and is then taken from the code). A file that cannot be read at all (a quote never
 * closed, a missing column, no rows, too many rows) is `ok: false`; otherwise every row comes
 * back with its problems. A row repeating an earlier kept row is a `conflict`; rows in
 * `dropLines` are read but neither checked for repeats nor counted as seen.
 */
export function readMedicinesCsv(
	text: string,
	dropLines: ReadonlySet<number> = new Set()
): { ok: true; rows: MedicineCsvRow[] } | { ok: false; problems: CsvProblem[] } {
	const table = csvRows(text);
	if (table === null) return { ok: false, problems: [{ line: 1, field: 'file', code: 'invalid_input' }] };
	const [header, ...body] = table;
	const columns = header?.cells.map((c) => c.trim()) ?? [];
	const missing = CSV_COLUMNS.filter((c) => c !== 'atcClass' && !columns.includes(c));
	if (missing.length > 0) return { ok: false, problems: missing.map((field) => ({ line: 1, field, code: 'field_required' })) };
	const filled = body.filter((row) => row.cells.some((c) => c.trim() !== ''));
	if (filled.length === 0) return { ok: false, problems: [{ line: 1, field: 'file', code: 'csv_empty' }] };
	if (filled.length > MAX_CSV_ROWS) return { ok: false, problems: [{ line: 1, field: 'file', code: 'field_too_large', params: { max: MAX_CSV_ROWS } }] };

	const rows: MedicineCsvRow[] = [];
	const seen = new Set<string>();
	for (const row of filled) {
		const cells: Record<string, string> = {};
		columns.forEach((column, i) => (cells[column] = (row.cells[i] ?? '').trim()));
		const record = { ...cells };
		const derivedClass = !record.atcClass;
		if (derivedClass) record.atcClass = (record.atc ?? '').slice(0, 4);
		const parsed = medicineSchema.safeParse(record);
		if (!parsed.success) {
			const problems: CsvProblem[] = [];
			for (const issue of parsed.error.issues) {
				const field = String(issue.path[0] ?? 'row');
				// A class taken from a bad code is wrong only because the code is: report the code alone.
				if (derivedClass && field === 'atcClass') continue;
				problems.push({ line: row.line, field, code: csvCode(issue) });
			}
			rows.push({ line: row.line, cells, medicine: null, problems });
			continue;
		}
		const key = medicineKey(parsed.data);
		if (!dropLines.has(row.line) && seen.has(key)) {
			rows.push({ line: row.line, cells, medicine: null, problems: [{ line: row.line, field: 'genericName', code: 'conflict' }] });
			continue;
		}
		if (!dropLines.has(row.line)) seen.add(key);
		rows.push({ line: row.line, cells, medicine: parsed.data, problems: [] });
	}
	return { ok: true, rows };
}

/** The whole file or nothing: the medicines when every row is right, else every problem by line. */
export function parseMedicinesCsv(text: string): { ok: true; medicines: Medicine[] } | { ok: false; problems: CsvProblem[] } {
	const read = readMedicinesCsv(text);
	if (!read.ok) return read;
	const problems = read.rows.flatMap((r) => r.problems);
	if (problems.length > 0) return { ok: false, problems };
	return { ok: true, medicines: read.rows.flatMap((r) => (r.medicine ? [r.medicine] : [])) };
}

function csvCode(issue: z.core.$ZodIssue): ErrorCode {
	if (issue.code === 'invalid_value') return 'choice_invalid';
	if (issue.code === 'too_big') return 'field_too_long';
	if (issue.code === 'too_small') return 'field_required';
	return 'field_invalid';
}

/** The starter list with a clinic's own entries added; a clinic entry replaces a starter entry with the same key. */
export function extendCatalogue(base: readonly Medicine[], clinicEntries: readonly Medicine[]): Medicine[] {
	const byKey = new Map(base.map((m) => [medicineKey(m), m]));
	for (const m of clinicEntries) byKey.set(medicineKey(m), m);
	return [...byKey.values()];
}

/** RFC 4180 rows with their starting line numbers; null when a quote is never closed. */
export function csvRows(text: string): { line: number; cells: string[] }[] | null {
	const rows: { line: number; cells: string[] }[] = [];
	let cells: string[] = [];
	let cell = '';
	let quoted = false;
	let line = 1;
	let rowLine = 1;
	const source = text.replace(/^\uFEFF/, '');
	for (let i = 0; i < source.length; i++) {
		const ch = source[i];
		if (quoted) {
			if (ch === '"' && source[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else {
				if (ch === '\n') line++;
				cell += ch;
			}
		} else if (ch === '"') quoted = true;
		else if (ch === ',') {
			cells.push(cell);
			cell = '';
		} else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && source[i + 1] === '\n') i++;
			cells.push(cell);
			rows.push({ line: rowLine, cells });
			cells = [];
			cell = '';
			line++;
			rowLine = line;
		} else cell += ch;
	}
	if (quoted) return null;
	if (cell !== '' || cells.length > 0) {
		cells.push(cell);
		rows.push({ line: rowLine, cells });
	}
	return rows;
}
