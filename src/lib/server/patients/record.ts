import { and, eq, isNull } from 'drizzle-orm';
import { patient } from '../db/schema/patients';
import { patientAllergy, patientCondition, patientMedication } from '../db/schema/clinical';
import type { Db, Tx } from '../db';
import { optionalIdempotency, requiredIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, conflict, forbidden, notFound } from '../errors';
import type { ClinicContext } from '../tenancy/context';
import { isUuid } from '../text';
import { can } from './policy';
import { atcForSubstance } from './allergyClasses';
import { allergyInput, bloodGroupInput, conditionInput, endEntryInput, medicationInput, parseRecordInput } from './recordSchema';
import { toAllergy, toCondition, toMedication, type AllergyView, type ConditionView, type MedicationView } from './clinicalRecord';

/*
 * The patient's clinical record: allergies, chronic conditions, current medications and blood
 * group, written by the clinic's doctors and nurses. Nothing is deleted: removing an allergy,
 * resolving a condition or stopping a medicine stamps the row (who, when) and lists it no more.
 * Lock order: the patient row (`FOR SHARE`, as booking and check-in take it), then the entry.
 */

/** The record, locked against a merge while an entry is written; a merged-away record takes no new entries. */
async function lockRecord(tx: Tx, ctx: ClinicContext, patientId: string) {
	const [row] = isUuid(patientId)
		? await tx
				.select({ id: patient.id, mergedIntoId: patient.mergedIntoId })
				.from(patient)
				.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, patientId)))
				.for('share')
		: [];
	if (!row) throw notFound('No such patient');
	if (row.mergedIntoId) throw conflict('This record was merged into another one', 'patient_merged');
}

function authorise(ctx: ClinicContext) {
	if (!can(ctx.actor, 'patient.record.write')) throw forbidden('Only doctors and nurses change the clinical record');
}

const noSuchEntry = (field: string) => new AppError('not_found', 404, 'No such entry on this record', field);

const audit = (tx: Tx, ctx: ClinicContext, action: string, entityType: string, entityId: string, data: Record<string, unknown>) =>
	appendAudit(tx, { clinicId: ctx.clinicId, actorUserId: ctx.actor.userId, action, entityType, entityId, data });

const scope = (ctx: ClinicContext, command: string) => `patient.${command}:${ctx.clinicId}`;

export async function recordAllergy(db: Db, ctx: ClinicContext, patientId: string, input: unknown): Promise<AllergyView> {
	authorise(ctx);
	const data = parseRecordInput(allergyInput, input);
	const idem = requiredIdempotency(scope(ctx, 'allergy.record'), ctx.actor.userId, data.idempotencyKey, { patientId, ...data });
	return runCommand(db, idem, async (tx) => {
		await lockRecord(tx, ctx, patientId);
		const { substance, reaction, severity } = data;
		const [row] = await tx
			.insert(patientAllergy)
			.values({ clinicId: ctx.clinicId, patientId, substance, reaction, severity, atcCode: atcForSubstance(substance), recordedBy: ctx.actor.userId })
			.returning();
		await audit(tx, ctx, 'patient.allergy.record', 'patient', patientId, { allergyId: row.id, substance, severity, atcCode: row.atcCode });
		return toAllergy(row);
	});
}

export async function removeAllergy(db: Db, ctx: ClinicContext, patientId: string, allergyId: string, input: unknown = {}): Promise<AllergyView> {
	authorise(ctx);
	const data = parseRecordInput(endEntryInput, input);
	const idem = optionalIdempotency(scope(ctx, 'allergy.remove'), ctx.actor.userId, data.idempotencyKey, { patientId, allergyId });
	if (!isUuid(allergyId)) throw noSuchEntry('allergyId');
	return runCommand(db, idem, async (tx) => {
		await lockRecord(tx, ctx, patientId);
		const [row] = await tx
			.update(patientAllergy)
			.set({ removedAt: new Date(), removedBy: ctx.actor.userId })
			.where(and(eq(patientAllergy.id, allergyId), eq(patientAllergy.patientId, patientId), isNull(patientAllergy.removedAt)))
			.returning();
		if (!row) throw noSuchEntry('allergyId');
		await audit(tx, ctx, 'patient.allergy.remove', 'patient', patientId, { allergyId, substance: row.substance });
		return toAllergy(row);
	});
}

export async function recordCondition(db: Db, ctx: ClinicContext, patientId: string, input: unknown): Promise<ConditionView> {
	authorise(ctx);
	const data = parseRecordInput(conditionInput, input);
	const idem = requiredIdempotency(scope(ctx, 'condition.record'), ctx.actor.userId, data.idempotencyKey, { patientId, ...data });
	return runCommand(db, idem, async (tx) => {
		await lockRecord(tx, ctx, patientId);
		const { name, code, since } = data;
		const [row] = await tx.insert(patientCondition).values({ clinicId: ctx.clinicId, patientId, name, code, since, recordedBy: ctx.actor.userId }).returning();
		await audit(tx, ctx, 'patient.condition.record', 'patient', patientId, { conditionId: row.id, name, code });
		return toCondition(row);
	});
}

export async function resolveCondition(db: Db, ctx: ClinicContext, patientId: string, conditionId: string, input: unknown = {}): Promise<ConditionView> {
	authorise(ctx);
	const data = parseRecordInput(endEntryInput, input);
	const idem = optionalIdempotency(scope(ctx, 'condition.resolve'), ctx.actor.userId, data.idempotencyKey, { patientId, conditionId });
	if (!isUuid(conditionId)) throw noSuchEntry('conditionId');
	return runCommand(db, idem, async (tx) => {
		await lockRecord(tx, ctx, patientId);
		const [row] = await tx
			.update(patientCondition)
			.set({ resolvedAt: new Date(), resolvedBy: ctx.actor.userId })
			.where(and(eq(patientCondition.id, conditionId), eq(patientCondition.patientId, patientId), isNull(patientCondition.resolvedAt)))
			.returning();
		if (!row) throw noSuchEntry('conditionId');
		await audit(tx, ctx, 'patient.condition.resolve', 'patient', patientId, { conditionId, name: row.name });
		return toCondition(row);
	});
}

export async function recordMedication(db: Db, ctx: ClinicContext, patientId: string, input: unknown): Promise<MedicationView> {
	authorise(ctx);
	const data = parseRecordInput(medicationInput, input);
	const idem = requiredIdempotency(scope(ctx, 'medication.record'), ctx.actor.userId, data.idempotencyKey, { patientId, ...data });
	return runCommand(db, idem, async (tx) => {
		await lockRecord(tx, ctx, patientId);
		const [row] = await tx
			.insert(patientMedication)
			.values({ clinicId: ctx.clinicId, patientId, name: data.name, dose: data.dose, recordedBy: ctx.actor.userId })
			.returning();
		await audit(tx, ctx, 'patient.medication.record', 'patient', patientId, { medicationId: row.id, name: data.name, dose: data.dose });
		return toMedication(row);
	});
}

export async function stopMedication(db: Db, ctx: ClinicContext, patientId: string, medicationId: string, input: unknown = {}): Promise<MedicationView> {
	authorise(ctx);
	const data = parseRecordInput(endEntryInput, input);
	const idem = optionalIdempotency(scope(ctx, 'medication.stop'), ctx.actor.userId, data.idempotencyKey, { patientId, medicationId });
	if (!isUuid(medicationId)) throw noSuchEntry('medicationId');
	return runCommand(db, idem, async (tx) => {
		await lockRecord(tx, ctx, patientId);
		const [row] = await tx
			.update(patientMedication)
			.set({ stoppedAt: new Date(), stoppedBy: ctx.actor.userId })
			.where(and(eq(patientMedication.id, medicationId), eq(patientMedication.patientId, patientId), isNull(patientMedication.stoppedAt)))
			.returning();
		if (!row) throw noSuchEntry('medicationId');
		await audit(tx, ctx, 'patient.medication.stop', 'patient', patientId, { medicationId, name: row.name });
		return toMedication(row);
	});
}

/** Sets (or, with `null`, clears) the blood group: part of the clinical record, not the desk's correction. */
export async function setBloodGroup(db: Db, ctx: ClinicContext, patientId: string, input: unknown): Promise<{ bloodGroup: string | null }> {
	authorise(ctx);
	const data = parseRecordInput(bloodGroupInput, input);
	const idem = optionalIdempotency(scope(ctx, 'blood_group.set'), ctx.actor.userId, data.idempotencyKey, { patientId, ...data });
	return runCommand(db, idem, async (tx) => {
		await lockRecord(tx, ctx, patientId);
		const [before] = await tx.select({ bloodGroup: patient.bloodGroup }).from(patient).where(eq(patient.id, patientId));
		await tx.update(patient).set({ bloodGroup: data.bloodGroup, updatedAt: new Date() }).where(eq(patient.id, patientId));
		await audit(tx, ctx, 'patient.blood_group.set', 'patient', patientId, { from: before?.bloodGroup ?? null, to: data.bloodGroup });
		return { bloodGroup: data.bloodGroup };
	});
}
