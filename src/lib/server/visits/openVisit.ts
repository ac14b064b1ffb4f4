import { and, eq } from 'drizzle-orm';
import { patient, visit } from '../db/schema';
import type { Db } from '../db';
import { requiredIdempotency, runCommand } from '../command';
import { AppError, badRequest, forbidden } from '../errors';
import { parseInput } from '../validation';
import { nextNumber } from '../tenancy/counters';
import { isClinicDoctor } from '../tenancy/doctors';
import type { ClinicContext } from '../tenancy/context';
import { referralsSeen } from '../referrals/referrals';
import { can } from './policy';
import { openVisitInput } from './schema';
import { auditVisit, clinicCodeOf, visitRef } from './common';

export type OpenedVisit = { id: string; ref: string; status: 'open'; patientId: string; doctorId: string };

/**
 * A visit started outside the queue (a patient seen directly, a home visit, a phone
 * consultation): a doctor opens one for themselves, a nurse for a doctor of the clinic. A patient
 * has at most one open visit with a doctor: a second is refused with `visit_open` (its chart is
 * where the consultation goes on), serialized per patient so two at once cannot both pass.
 */
export async function openVisit(db: Db, ctx: ClinicContext, input: unknown, now = new Date()): Promise<OpenedVisit> {
	// A doctor or a nurse; whose visit they may open is checked once the doctor is known.
	if (!can(ctx.actor, 'visit.open', { clinicianUserIds: [ctx.actor.userId] })) throw forbidden();
	const data = parseInput(openVisitInput, input);
	const doctorId = data.doctorId ?? (ctx.actor.role === 'doctor' ? ctx.actor.userId : undefined);
	if (!doctorId) throw badRequest('Name the doctor of the visit', 'doctorId', 'field_required');
	if (!can(ctx.actor, 'visit.open', { clinicianUserIds: [doctorId] })) throw forbidden();
	const idempotency = requiredIdempotency(`visit.open:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { ...data, doctorId });
	if (!(await isClinicDoctor(db, ctx.clinicId, doctorId))) throw badRequest('No such doctor in this clinic', 'doctorId', 'field_invalid');
	const code = await clinicCodeOf(db, ctx.clinicId);
	return runCommand(db, idempotency, async (tx) => {
		const [record] = await tx
			.select({ mergedIntoId: patient.mergedIntoId })
			.from(patient)
			.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, data.patientId)))
			.for('update');
		if (!record) throw badRequest('No such patient in this clinic', 'patientId', 'field_invalid');
		if (record.mergedIntoId) throw new AppError('patient_merged', 409, 'This record was merged into another one', 'patientId');
		const [open] = await tx
			.select({ id: visit.id })
			.from(visit)
			.where(and(eq(visit.patientId, data.patientId), eq(visit.doctorId, doctorId), eq(visit.status, 'open')))
			.limit(1);
		if (open) throw new AppError('visit_open', 409, 'This patient already has an open visit with this doctor', 'patientId', { visitId: open.id });
		const refNo = await nextNumber(tx, ctx.clinicId, 'V');
		const [row] = await tx
			.insert(visit)
			.values({ clinicId: ctx.clinicId, refNo, patientId: data.patientId, doctorId, setting: data.setting, startedAt: now })
			.returning();
		await auditVisit(tx, ctx, 'visit.open', row, { setting: data.setting });
		// A referral waiting for this patient to be seen by this doctor is done.
		await referralsSeen(tx, ctx.clinicId, data.patientId, doctorId, row.id);
		return { id: row.id, ref: visitRef(code, row.refNo), status: 'open' as const, patientId: row.patientId, doctorId: row.doctorId };
	});
}
