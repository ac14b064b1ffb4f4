import { dispensableOnHand } from '../pharmacy/stock';
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import { medicine, patientAllergy, prescription, prescriptionLine, prescriptionOverride, visit } from '../db/schema';
import type { Db, Tx } from '../db';
import { isUuid } from '../text';
import { forbidden, notFound } from '../errors';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { prescriptionWarnings, type Warning } from './warnings';
import { warningMessage } from './warningText';

type Reader = Db | Tx;

export type PrescriptionLineView = {
	id: string;
	medicineId: string;
	genericName: string;
	form: string;
	strength: string;
	dose: string;
	frequency: string;
	durationDays: number;
	route: string;
	instructions: string;
	instructionsUr: string;
	quantity: number;
	/** Units the pharmacy may dispense today (not expired, not too close to expiry); 0 is "out of stock". */
	inStock: number;
};

export type WarningView = {
	id: string;
	kind: Warning['kind'];
	message: string;
	/** The reason the prescriber gave when they overrode it, or null while it stands. */
	override: { reason: string; at: string } | null;
};

export type PrescriptionView = {
	id: string | null;
	visitId: string;
	visitStatus: 'open' | 'completed';
	issuedAt: string | null;
	urgent: boolean;
	lines: PrescriptionLineView[];
	warnings: WarningView[];
};

export type VisitRow = typeof visit.$inferSelect;

/** The visit of this clinic, or 404 (another clinic's visit is not found either). */
export async function clinicVisit(db: Reader, clinicId: string, visitId: string): Promise<VisitRow> {
	const [row] = isUuid(visitId)
		? await db
				.select()
				.from(visit)
				.where(and(eq(visit.clinicId, clinicId), eq(visit.id, visitId)))
		: [];
	if (!row) throw notFound('No such visit');
	return row;
}

/** The patient's allergies still on the record. */
export async function activeAllergies(db: Reader, clinicId: string, patientId: string) {
	return db
		.select({ substance: patientAllergy.substance, atcCode: patientAllergy.atcCode, severity: patientAllergy.severity })
		.from(patientAllergy)
		.where(and(eq(patientAllergy.clinicId, clinicId), eq(patientAllergy.patientId, patientId), isNull(patientAllergy.removedAt)));
}

/** The overrides already kept for a prescription, newest first per warning. */
export async function keptOverrides(db: Reader, prescriptionId: string): Promise<Map<string, { reason: string; at: string }>> {
	const rows = await db
		.select()
		.from(prescriptionOverride)
		.where(eq(prescriptionOverride.prescriptionId, prescriptionId))
		.orderBy(desc(prescriptionOverride.overriddenAt));
	const byWarning = new Map<string, { reason: string; at: string }>();
	for (const r of rows) if (!byWarning.has(r.warningId)) byWarning.set(r.warningId, { reason: r.reason, at: r.overriddenAt.toISOString() });
	return byWarning;
}

export function presentWarnings(warnings: readonly Warning[], overrides: ReadonlyMap<string, { reason: string; at: string }>): WarningView[] {
	return warnings.map((w) => ({ id: w.id, kind: w.kind, message: warningMessage(w), override: overrides.get(w.id) ?? null }));
}

/** A visit's prescription as it stands, with its warnings worked out again now (allergies may have been recorded since). */
export async function readPrescription(db: Reader, clinicId: string, row: VisitRow): Promise<PrescriptionView> {
	const [rx] = await db.select().from(prescription).where(eq(prescription.visitId, row.id));
	const base = { visitId: row.id, visitStatus: row.status, issuedAt: rx?.issuedAt?.toISOString() ?? null };
	if (!rx) return { id: null, ...base, urgent: false, lines: [], warnings: [] };
	const lines = await db
		.select({ line: prescriptionLine, medicine })
		.from(prescriptionLine)
		.innerJoin(medicine, eq(medicine.id, prescriptionLine.medicineId))
		.where(eq(prescriptionLine.prescriptionId, rx.id))
		.orderBy(asc(prescriptionLine.position));
	const [allergies, overrides, stock] = await Promise.all([
		activeAllergies(db, clinicId, row.patientId),
		keptOverrides(db, rx.id),
		dispensableOnHand(
			db,
			clinicId,
			lines.map((l) => l.line.medicineId)
		)
	]);
	const warnings = prescriptionWarnings(
		lines.map((l) => ({ id: l.medicine.id, genericName: l.medicine.genericName, atcCode: l.medicine.atcCode })),
		allergies
	);
	return {
		id: rx.id,
		...base,
		urgent: rx.urgent,
		lines: lines.map(({ line, medicine: med }) => ({
			id: line.id,
			medicineId: line.medicineId,
			genericName: med.genericName,
			form: med.form,
			strength: med.strength,
			dose: line.dose,
			frequency: line.frequency,
			durationDays: line.durationDays,
			route: line.route,
			instructions: line.instructionsEn,
			instructionsUr: line.instructionsUr,
			quantity: line.quantity,
			inStock: stock.get(line.medicineId) ?? 0
		})),
		warnings: presentWarnings(warnings, overrides)
	};
}

/** The prescription of a visit, for those who may read it (the clinicians and the pharmacy). */
export async function visitPrescription(db: Db, ctx: ClinicContext, visitId: string): Promise<PrescriptionView> {
	if (!can(ctx.actor, 'prescription.view')) throw forbidden();
	const row = await clinicVisit(db, ctx.clinicId, visitId);
	return readPrescription(db, ctx.clinicId, row);
}

/** Medicines of this clinic by id (archived ones included: a line written before the archive keeps its medicine). */
export async function clinicMedicinesById(db: Reader, clinicId: string, ids: readonly string[]) {
	if (ids.length === 0) return new Map<string, typeof medicine.$inferSelect>();
	const rows = await db
		.select()
		.from(medicine)
		.where(and(eq(medicine.clinicId, clinicId), inArray(medicine.id, [...new Set(ids)])));
	return new Map(rows.map((r) => [r.id, r]));
}
