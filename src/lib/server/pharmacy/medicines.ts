import { and, eq, sql } from 'drizzle-orm';
import { medicine } from '../db/schema';
import type { Db, Tx } from '../db';
import { runCommand, optionalIdempotency } from '../command';
import { appendAudit } from '../audit/audit';
import { conflict, forbidden } from '../errors';
import { isUniqueViolation } from '../db/errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { medicineInput, medicineSearchInput } from './schema';
import { starterMedicines, type Medicine } from './catalogue';

type Reader = Db | Tx;

export type MedicineRow = typeof medicine.$inferSelect;
export type DosageTemplate = MedicineRow['dosageTemplates'][number];

/** What a search and the prescribing screen show of a medicine. */
export type MedicineView = {
	id: string;
	genericName: string;
	brandNames: string[];
	form: string;
	strength: string;
	route: string;
	atcCode: string | null;
	dosageTemplates: DosageTemplate[];
	source: MedicineRow['source'];
};

export function presentMedicine(row: MedicineRow): MedicineView {
	return {
		id: row.id,
		genericName: row.genericName,
		brandNames: row.brandNames,
		form: row.form,
		strength: row.strength,
		route: row.route,
		atcCode: row.atcCode,
		dosageTemplates: row.dosageTemplates,
		source: row.source
	};
}

/** Templates a starter entry offers by its form, so the first prescription is two clicks. */
export function starterTemplates(form: string): DosageTemplate[] {
	switch (form) {
		case 'tablet':
			return [
				{ dose: '1 tablet', frequency: '1+0+1', durationDays: 5, instructions: 'after meals' },
				{ dose: '1 tablet', frequency: 'OD', durationDays: 30, instructions: '' }
			];
		case 'capsule':
			return [
				{ dose: '1 capsule', frequency: '1+1+1', durationDays: 5, instructions: 'after meals' },
				{ dose: '1 capsule', frequency: 'BD', durationDays: 7, instructions: '' }
			];
		case 'oral liquid':
			return [{ dose: '5 mL', frequency: 'TDS', durationDays: 5, instructions: 'shake well' }];
		case 'inhaler':
			return [{ dose: '2 puffs', frequency: 'SOS', durationDays: 30, instructions: '' }];
		default:
			return [];
	}
}

/** Catalogue rows for medicines, with the source they came from. */
export function medicineRows(clinicId: string, list: readonly Medicine[], source: MedicineRow['source']) {
	return list.map((m) => ({
		clinicId,
		genericName: m.genericName,
		form: m.form,
		strength: m.strength,
		route: m.route,
		atcCode: m.atc,
		dosageTemplates: starterTemplates(m.form),
		source
	}));
}

/**
 * A clinic's catalogue starts as the WHO list: seeded on first use (every catalogue read and
 * change calls this first). Safe to run at once from two requests: the unique index on
 * (clinic, lower(generic name), form, strength) makes the second insert of a row do nothing,
 * so nobody fails and nothing is duplicated. Never re-adds to a clinic that has any medicine.
 */
export async function ensureCatalogue(db: Reader, clinicId: string): Promise<void> {
	const [any] = await db.select({ id: medicine.id }).from(medicine).where(eq(medicine.clinicId, clinicId)).limit(1);
	if (any) return;
	await db
		.insert(medicine)
		.values(medicineRows(clinicId, starterMedicines(), 'who_eml'))
		.onConflictDoNothing();
}

const likePattern = (q: string) => q.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The clinic's medicines matching what was typed: the exact generic name first, then names
 * beginning with it, then names with a word beginning with it, then brand names beginning with it;
 * alphabetical within each. At most `limit`; nothing for an empty query.
 */
export async function searchClinicMedicines(db: Db, ctx: ClinicContext, input: unknown, limit = 30): Promise<MedicineView[]> {
	if (!can(ctx.actor, 'medicine.search')) throw forbidden();
	const { q } = parseInput(medicineSearchInput, input);
	const query = q.toLowerCase().replace(/\s+/g, ' ');
	if (query === '') return [];
	await ensureCatalogue(db, ctx.clinicId);
	const prefix = `${likePattern(query)}%`;
	const rank = sql<number>`CASE
		WHEN ${medicine.searchName} = ${query} THEN 0
		WHEN ${medicine.searchName} LIKE ${prefix} THEN 1
		WHEN ' ' || regexp_replace(${medicine.searchName}, '[+/(),-]', ' ', 'g') LIKE ${`% ${prefix}`} THEN 2
		WHEN EXISTS (SELECT 1 FROM unnest(${medicine.brandNames}) AS b WHERE lower(b) LIKE ${prefix}) THEN 3
		ELSE NULL END`;
	const rows = await db
		.select({ row: medicine, rank })
		.from(medicine)
		.where(and(eq(medicine.clinicId, ctx.clinicId), eq(medicine.archived, false), sql`${rank} IS NOT NULL`))
		.orderBy(rank, medicine.searchName, medicine.form, sql`${medicine.strength}`)
		.limit(limit);
	return rows.map((r) => presentMedicine(r.row));
}

/** The clinic's whole catalogue, by name (the admin screen's list). */
export async function listClinicMedicines(db: Db, ctx: ClinicContext): Promise<MedicineView[]> {
	if (!can(ctx.actor, 'medicine.search')) throw forbidden();
	await ensureCatalogue(db, ctx.clinicId);
	const rows = await db
		.select()
		.from(medicine)
		.where(and(eq(medicine.clinicId, ctx.clinicId), eq(medicine.archived, false)))
		.orderBy(medicine.searchName, medicine.form, medicine.strength);
	return rows.map(presentMedicine);
}

export function medicineTaken(e: unknown): void {
	if (isUniqueViolation(e, 'medicine_clinic_key'))
		throw conflict('This clinic already has that medicine in that form and strength', 'medicine_exists', 'genericName');
}

/** Adds one medicine to the clinic's catalogue (admins and doctors); the same name, form and strength twice is 409 `medicine_exists`. */
export async function addMedicine(db: Db, ctx: ClinicContext, input: unknown): Promise<MedicineView> {
	if (!can(ctx.actor, 'medicine.add')) throw forbidden('Only admins and doctors add medicines');
	const data = parseInput(medicineInput, input);
	await ensureCatalogue(db, ctx.clinicId);
	const idempotency = optionalIdempotency(`medicine.add:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, data);
	try {
		return await runCommand(db, idempotency, async (tx) => {
			const [row] = await tx
				.insert(medicine)
				.values({
					clinicId: ctx.clinicId,
					genericName: data.genericName,
					brandNames: data.brandNames,
					form: data.form,
					strength: data.strength,
					route: data.route,
					atcCode: data.atcCode ?? null,
					dosageTemplates: data.dosageTemplates,
					source: 'clinic'
				})
				.returning();
			await appendAudit(tx, {
				clinicId: ctx.clinicId,
				actorUserId: ctx.actor.userId,
				action: 'medicine.add',
				entityType: 'medicine',
				entityId: row.id,
				data: { genericName: row.genericName, form: row.form, strength: row.strength }
			});
			return presentMedicine(row);
		});
	} catch (e) {
		medicineTaken(e);
		throw e;
	}
}
