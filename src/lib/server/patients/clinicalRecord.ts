import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { appUser } from '../db/schema/auth';
import { patient } from '../db/schema/patients';
import { patientAllergy, patientCondition, patientMedication, type AllergySeverity, type PatientAllergy, type PatientCondition } from '../db/schema/clinical';
import type { Db, Tx } from '../db';
import { forbidden, notFound } from '../errors';
import type { ClinicContext } from '../tenancy/context';
import { isUuid } from '../text';
import { can } from './policy';

/** What the API and the screens show of each entry; dates may be strings when an idempotent retry replays stored JSON. */
export type AllergyView = {
	id: string;
	substance: string;
	reaction: string;
	severity: AllergySeverity;
	atcCode: string | null;
	recordedAt: string;
	recordedBy: string;
};
export type ConditionView = { id: string; name: string; code: string | null; since: string; recordedAt: string; recordedBy: string };
export type MedicationView = { id: string; name: string; dose: string; recordedAt: string; recordedBy: string };

const iso = (value: Date | string) => new Date(value).toISOString();

export const toAllergy = (row: PatientAllergy): AllergyView => ({
	id: row.id,
	substance: row.substance,
	reaction: row.reaction,
	severity: row.severity,
	atcCode: row.atcCode,
	recordedAt: iso(row.recordedAt),
	recordedBy: row.recordedBy
});

export const toCondition = (row: PatientCondition): ConditionView => ({
	id: row.id,
	name: row.name,
	code: row.code,
	since: row.since,
	recordedAt: iso(row.recordedAt),
	recordedBy: row.recordedBy
});

export const toMedication = (row: typeof patientMedication.$inferSelect): MedicationView => ({
	id: row.id,
	name: row.name,
	dose: row.dose,
	recordedAt: iso(row.recordedAt),
	recordedBy: row.recordedBy
});

type Reader = Db | Tx;

/** The record of this clinic, read by someone who may see its clinical part; anyone else is refused. */
async function readableRecord(db: Reader, ctx: ClinicContext, patientId: string) {
	if (!can(ctx.actor, 'patient.record.view')) throw forbidden();
	const [row] = isUuid(patientId)
		? await db
				.select({ id: patient.id, bloodGroup: patient.bloodGroup })
				.from(patient)
				.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, patientId)))
		: [];
	if (!row) throw notFound('No such patient');
	return row;
}

const SEVERITY_ORDER: Record<AllergySeverity, number> = { severe: 0, moderate: 1, mild: 2 };

/** The allergies in force, the severe first, then in the order they were recorded. */
export async function listAllergies(db: Reader, ctx: ClinicContext, patientId: string): Promise<AllergyView[]> {
	await readableRecord(db, ctx, patientId);
	const rows = await db
		.select()
		.from(patientAllergy)
		.where(and(eq(patientAllergy.patientId, patientId), isNull(patientAllergy.removedAt)))
		.orderBy(asc(patientAllergy.recordedAt));
	return rows.map(toAllergy).sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

export async function listConditions(db: Reader, ctx: ClinicContext, patientId: string): Promise<ConditionView[]> {
	await readableRecord(db, ctx, patientId);
	const rows = await db
		.select()
		.from(patientCondition)
		.where(and(eq(patientCondition.patientId, patientId), isNull(patientCondition.resolvedAt)))
		.orderBy(asc(patientCondition.recordedAt));
	return rows.map(toCondition);
}

export async function listMedications(db: Reader, ctx: ClinicContext, patientId: string): Promise<MedicationView[]> {
	await readableRecord(db, ctx, patientId);
	const rows = await db
		.select()
		.from(patientMedication)
		.where(and(eq(patientMedication.patientId, patientId), isNull(patientMedication.stoppedAt)))
		.orderBy(asc(patientMedication.recordedAt));
	return rows.map(toMedication);
}

export type ClinicalRecord = {
	bloodGroup: string | null;
	allergies: (AllergyView & { recordedByName: string | null })[];
	conditions: (ConditionView & { recordedByName: string | null })[];
	medications: (MedicationView & { recordedByName: string | null })[];
};

/** The whole clinical record for the patient page, with the names of who recorded each entry. */
export async function readClinicalRecord(db: Reader, ctx: ClinicContext, patientId: string): Promise<ClinicalRecord> {
	const { bloodGroup } = await readableRecord(db, ctx, patientId);
	const [allergies, conditions, medications] = await Promise.all([
		listAllergies(db, ctx, patientId),
		listConditions(db, ctx, patientId),
		listMedications(db, ctx, patientId)
	]);
	const ids = [...new Set([...allergies, ...conditions, ...medications].map((e) => e.recordedBy))];
	const people = ids.length ? await db.select({ id: appUser.id, name: appUser.name }).from(appUser).where(inArray(appUser.id, ids)) : [];
	const names = new Map(people.map((p) => [p.id, p.name]));
	const named = <T extends { recordedBy: string }>(e: T) => ({ ...e, recordedByName: names.get(e.recordedBy) ?? null });
	return { bloodGroup, allergies: allergies.map(named), conditions: conditions.map(named), medications: medications.map(named) };
}
