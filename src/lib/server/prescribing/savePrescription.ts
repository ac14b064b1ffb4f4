import { eq, sql } from 'drizzle-orm';
import { prescription, prescriptionLine, prescriptionOverride, visit } from '../db/schema';
import type { Db } from '../db';
import { requiredIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, conflict, forbidden, type FieldProblem } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { computeQuantity, instructionsEn, instructionsUr } from '$lib/prescribing/dosage';
import { can } from './policy';
import { prescriptionInput } from './schema';
import { prescriptionWarnings } from './warnings';
import { activeAllergies, clinicMedicinesById, clinicVisit, keptOverrides, presentWarnings, readPrescription, type PrescriptionView } from './prescription';

const visitCompleted = () => conflict('The visit is completed; its prescription can no longer change', 'visit_completed');

/** PostgreSQL's refusal from the trigger that guards an issued prescription's lines. */
function issuedGuard(e: unknown): void {
	const cause = (e as { cause?: { code?: string } })?.cause ?? e;
	if ((cause as { code?: string })?.code === '42501') throw visitCompleted();
}

/**
 * Writes the prescription of an open visit (its doctor only): the lines as given replace the
 * ones before. Warnings are worked out at this moment (the patient's recorded allergies, the same
 * medicine twice, the shipped interactions); each must be overridden with a reason, in this
 * request or in an earlier save of this prescription, or the whole request is refused (422
 * `prescription_warning`, listing them) and nothing is saved. Overrides are kept for good.
 *
 * Locks: the visit row (`FOR UPDATE`), so completing the visit either sees this prescription or
 * refuses it (409 `visit_completed`), then the prescription row.
 */
export async function savePrescription(db: Db, ctx: ClinicContext, visitId: string, input: unknown): Promise<PrescriptionView> {
	if (!can(ctx.actor, 'prescription.write')) throw forbidden('Only the visit’s doctor writes its prescription');
	const data = parseInput(prescriptionInput, input);
	const current = await clinicVisit(db, ctx.clinicId, visitId);
	if (!can(ctx.actor, 'prescription.write', { doctorId: current.doctorId })) throw forbidden('Only the visit’s doctor writes its prescription');
	if (current.status !== 'open') throw visitCompleted();
	const idempotency = requiredIdempotency(`prescription.save:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { ...data, visitId });

	const medicines = await clinicMedicinesById(
		db,
		ctx.clinicId,
		data.lines.map((l) => l.medicineId)
	);
	const problems: FieldProblem[] = [];
	const lines = data.lines.map((line, i) => {
		const med = medicines.get(line.medicineId);
		if (!med) {
			problems.push({ field: `lines.${i}.medicineId`, code: 'field_invalid', params: {} });
			return null;
		}
		const quantity = line.quantity ?? computeQuantity(line.dose, line.frequency, line.durationDays, med);
		if (quantity === null) problems.push({ field: `lines.${i}.quantity`, code: 'quantity_required', params: {} });
		return {
			med,
			position: i,
			medicineId: med.id,
			dose: line.dose,
			frequency: line.frequency.trim().toUpperCase(),
			durationDays: line.durationDays,
			route: line.route ?? med.route,
			instructionsEn: line.instructions || instructionsEn(line.dose, line.frequency, line.durationDays),
			instructionsUr: line.instructionsUr || instructionsUr(line.dose, line.frequency, line.durationDays),
			quantity: quantity ?? 0
		};
	});
	if (problems.length > 0) {
		const [first] = problems;
		throw new AppError(
			first.code === 'field_invalid' ? 'field_invalid' : first.code,
			400,
			'Some lines cannot be prescribed as written',
			first.field,
			{},
			problems
		);
	}
	const valid = lines.filter((l): l is NonNullable<typeof l> => l !== null);

	try {
		return await runCommand(db, idempotency, async (tx) => {
			const [locked] = await tx.select({ status: visit.status }).from(visit).where(eq(visit.id, current.id)).for('update');
			if (locked.status !== 'open') throw visitCompleted();
			const [existing] = await tx.select({ id: prescription.id }).from(prescription).where(eq(prescription.visitId, current.id));
			const earlier = existing ? await keptOverrides(tx, existing.id) : new Map<string, { reason: string; at: string }>();
			const allergies = await activeAllergies(tx, ctx.clinicId, current.patientId);
			const warnings = prescriptionWarnings(
				valid.map((l) => ({ id: l.med.id, genericName: l.med.genericName, atcCode: l.med.atcCode })),
				allergies
			);
			const given = new Map(data.overrides.map((o) => [o.warning, o.reason]));
			const standing = warnings.filter((w) => !given.has(w.id) && !earlier.has(w.id));
			if (standing.length > 0) {
				const listed = presentWarnings(standing, new Map()).map(({ id, kind, message }) => ({ id, kind, message }));
				throw new AppError('prescription_warning', 422, `${standing.length} warning(s) need an override with a reason`, undefined, {}, [], {
					warnings: listed
				});
			}

			const [rx] = await tx
				.insert(prescription)
				.values({ clinicId: ctx.clinicId, visitId: current.id, patientId: current.patientId, doctorId: current.doctorId, urgent: data.urgent })
				.onConflictDoUpdate({ target: prescription.visitId, set: { updatedAt: sql`now()`, urgent: data.urgent } })
				.returning();
			await tx.delete(prescriptionLine).where(eq(prescriptionLine.prescriptionId, rx.id));
			if (valid.length > 0) {
				await tx.insert(prescriptionLine).values(
					valid.map((l) => ({
						prescriptionId: rx.id,
						position: l.position,
						medicineId: l.medicineId,
						dose: l.dose,
						frequency: l.frequency,
						durationDays: l.durationDays,
						route: l.route,
						instructionsEn: l.instructionsEn,
						instructionsUr: l.instructionsUr,
						quantity: l.quantity
					}))
				);
			}
			const overridden = warnings.filter((w) => given.has(w.id) && earlier.get(w.id)?.reason !== given.get(w.id));
			const messages = presentWarnings(overridden, new Map());
			if (overridden.length > 0) {
				await tx.insert(prescriptionOverride).values(
					overridden.map((w, i) => ({
						prescriptionId: rx.id,
						warningId: w.id,
						kind: w.kind,
						message: messages[i].message,
						reason: given.get(w.id) ?? '',
						overriddenBy: ctx.actor.userId
					}))
				);
			}
			await appendAudit(tx, {
				clinicId: ctx.clinicId,
				actorUserId: ctx.actor.userId,
				action: 'prescription.save',
				entityType: 'visit',
				entityId: current.id,
				data: {
					prescriptionId: rx.id,
					lines: valid.map((l) => ({ medicineId: l.medicineId, dose: l.dose, frequency: l.frequency, durationDays: l.durationDays, quantity: l.quantity })),
					overrides: overridden.map((w) => ({ warning: w.id, reason: given.get(w.id) }))
				}
			});
			return readPrescription(tx, ctx.clinicId, current);
		});
	} catch (e) {
		issuedGuard(e);
		throw e;
	}
}
