import { and, eq } from 'drizzle-orm';
import { medicine } from '../db/schema';
import type { Db } from '../db';
import { optionalIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, forbidden, notFound, type ErrorCode, type ErrorParams, type FieldProblem } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { clinicMembership } from '../tenancy/queries';
import { can } from './policy';
import { copyCatalogueInput, importCsvInput } from './schema';
import { medicineKey, readMedicinesCsv } from './catalogue';

import { ensureCatalogue, medicineRows } from './medicines';

/** A row the catalogue already had, left as it was. */
export type SkippedMedicine = { line?: number; genericName: string; form: string; strength: string };

/** One row of a catalogue file as the preview shows it. */
export type CatalogueImportRow = {
	line: number;
	genericName: string;
	form: string;
	strength: string;
	route: string;
	atc: string;
	atcClass: string;
	/** The catalogue already has this medicine (same generic name, form and strength): importing leaves it as it is. */
	present: boolean;
	dropped: boolean;
	problems: { field: string; code: ErrorCode; params?: ErrorParams }[];
};

export type ImportResult = { preview: boolean; imported: number; skipped: SkippedMedicine[]; dropped: number; rows: CatalogueImportRow[] };

/** The refusal of a whole file: every problem by line and column (`fields`: `line.<n>.<column>`). */
export function csvRefusal(problems: readonly { line: number; field: string; code: ErrorCode; params?: ErrorParams }[]): AppError {
	const fields: FieldProblem[] = problems.map((p) => ({
		field: `line.${p.line}.${p.field}`,
		code: p.code,
		params: { ...p.params, line: p.line, column: p.field }
	}));
	const first = fields[0];
	return new AppError('csv_invalid', 400, `The file has ${fields.length} problem(s); nothing was imported`, first.field, first.params, fields);
}

/**
 * Imports a clinic's own medicines from CSV (admins). `preview: true` answers every row with its
 * problems, and whether the catalogue already has it, and writes nothing. An import is refused
 * whole while any kept row is wrong; `dropLines` leaves rows out. Rows the catalogue already has
 * (same generic name, form and strength, whatever the case) are not errors: they are skipped,
 * left as they were, and listed.
 */
export async function importMedicinesCsv(db: Db, ctx: ClinicContext, input: unknown): Promise<ImportResult> {
	if (!can(ctx.actor, 'medicine.import')) throw forbidden('Only a clinic admin imports medicines');
	const { csv, preview, dropLines, idempotencyKey } = parseInput(importCsvInput, input);
	const dropped = new Set(dropLines);
	const read = readMedicinesCsv(csv, dropped);
	if (!read.ok) throw csvRefusal(read.problems);
	await ensureCatalogue(db, ctx.clinicId);
	// Archived entries too: the catalogue's unique key holds them, so an import would not add them again.
	const existing = await db
		.select({ genericName: medicine.genericName, form: medicine.form, strength: medicine.strength })
		.from(medicine)
		.where(eq(medicine.clinicId, ctx.clinicId));
	const known = new Set(existing.map(medicineKey));
	const rows: CatalogueImportRow[] = read.rows.map((r) => ({
		line: r.line,
		genericName: r.cells.genericName ?? '',
		form: r.cells.form ?? '',
		strength: r.cells.strength ?? '',
		route: r.cells.route ?? '',
		atc: r.cells.atc ?? '',
		atcClass: r.medicine?.atcClass ?? r.cells.atcClass ?? '',
		present: r.medicine !== null && known.has(medicineKey(r.medicine)),
		dropped: dropped.has(r.line),
		problems: r.problems.map(({ field, code, params }) => ({ field, code, ...(params ? { params } : {}) }))
	}));
	const droppedCount = rows.filter((r) => r.dropped).length;
	if (preview) return { preview: true, imported: 0, skipped: [], dropped: droppedCount, rows };
	const kept = read.rows.filter((r) => !dropped.has(r.line));
	const problems = kept.flatMap((r) => r.problems);
	if (problems.length > 0) throw csvRefusal(problems);
	const medicines = kept.flatMap((r) => (r.medicine ? [{ line: r.line, medicine: r.medicine }] : []));
	const idempotency = optionalIdempotency(`medicine.import:${ctx.clinicId}`, ctx.actor.userId, idempotencyKey, { csv, dropLines });
	return runCommand(db, idempotency, async (tx) => {
		const fresh = medicines.filter((m) => !known.has(medicineKey(m.medicine)));
		// Another import may have added some meanwhile: the unique key turns those inserts into nothing.
		const inserted =
			fresh.length === 0
				? []
				: await tx
						.insert(medicine)
						.values(
							medicineRows(
								ctx.clinicId,
								fresh.map((m) => m.medicine),
								'import'
							)
						)
						.onConflictDoNothing()
						.returning({ genericName: medicine.genericName, form: medicine.form, strength: medicine.strength });
		const added = new Set(inserted.map(medicineKey));
		const skipped = medicines
			.filter((m) => !added.has(medicineKey(m.medicine)))
			.map((m) => ({ line: m.line, genericName: m.medicine.genericName, form: m.medicine.form, strength: m.medicine.strength }));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'medicine.import',
			entityType: 'clinic',
			entityId: ctx.clinicId,
			data: { imported: inserted.length, skipped: skipped.length, dropped: droppedCount }
		});
		return { preview: false, imported: inserted.length, skipped, dropped: droppedCount, rows };
	});
}

export type CopyResult = { toClinicId: string; copied: number; skipped: number };

/**
 * Copies this clinic's catalogue into a branch: a clinic where the same person is an admin too.
 * The branch keeps what it has; medicines it lacks are added (source `copy`), with their brand
 * names and templates. Audited in both clinics.
 */
export async function copyCatalogue(db: Db, ctx: ClinicContext, input: unknown): Promise<CopyResult> {
	if (!can(ctx.actor, 'medicine.copy')) throw forbidden('Only a clinic admin copies the catalogue');
	const { toClinic } = parseInput(copyCatalogueInput, input);
	const target = await clinicMembership(db, ctx.actor.userId, { code: toClinic });
	if (!target) throw notFound('No such branch');
	if (target.role !== 'admin') throw new AppError('forbidden', 403, 'You are not an admin of that clinic', 'toClinic');
	if (target.clinic.id === ctx.clinicId) throw new AppError('field_invalid', 400, 'That is this clinic', 'toClinic');
	await Promise.all([ensureCatalogue(db, ctx.clinicId), ensureCatalogue(db, target.clinic.id)]);
	return runCommand(db, null, async (tx) => {
		const source = await tx
			.select()
			.from(medicine)
			.where(and(eq(medicine.clinicId, ctx.clinicId), eq(medicine.archived, false)));
		const rows = source.map((m) => ({
			clinicId: target.clinic.id,
			genericName: m.genericName,
			brandNames: m.brandNames,
			form: m.form,
			strength: m.strength,
			route: m.route,
			atcCode: m.atcCode,
			dosageTemplates: m.dosageTemplates,
			source: 'copy' as const
		}));
		let copied = 0;
		// In slices, to keep each statement's parameters well under PostgreSQL's limit.
		for (let i = 0; i < rows.length; i += 500) {
			const inserted = await tx
				.insert(medicine)
				.values(rows.slice(i, i + 500))
				.onConflictDoNothing()
				.returning({ id: medicine.id });
			copied += inserted.length;
		}
		for (const clinicId of [ctx.clinicId, target.clinic.id]) {
			await appendAudit(tx, {
				clinicId,
				actorUserId: ctx.actor.userId,
				action: 'medicine.copy',
				entityType: 'clinic',
				entityId: target.clinic.id,
				data: { from: ctx.clinicId, to: target.clinic.id, copied }
			});
		}
		return { toClinicId: target.clinic.id, copied, skipped: rows.length - copied };
	});
}
