import { and, eq } from 'drizzle-orm';
import { patient } from '../db/schema/patients';
import type { Db } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { conflict, forbidden, notFound } from '../errors';
import type { ClinicContext } from '../tenancy/context';
import { documentsChanged } from '../sync/changes';
import { documentName } from '../../sync/protocol';
import { can } from './policy';
import { recordId } from './schema';

/**
 * The desk takes the record away from the app account linked to it (a wrong person, a lost
 * phone). The account keeps its other clinics; the patient's phone stops showing this one.
 */
export async function unlinkPatientAccount(db: Db, ctx: ClinicContext, patientId: string): Promise<{ patientId: string; userId: string }> {
	if (!can(ctx.actor, 'patient.account.link')) throw forbidden();
	if (!recordId.safeParse(patientId).success) throw notFound('No such patient');
	return runCommand(db, null, async (tx) => {
		const [record] = await tx
			.select({ id: patient.id, userId: patient.userId })
			.from(patient)
			.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, patientId)))
			.for('update');
		if (!record) throw notFound('No such patient');
		if (!record.userId) throw conflict('This record is not linked to an app account', 'patient_not_linked');
		await tx.update(patient).set({ userId: null, updatedAt: new Date() }).where(eq(patient.id, patientId));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'patient.unlink',
			entityType: 'patient',
			entityId: patientId,
			data: { userId: record.userId }
		});
		// Rebuilding it checks again who has it open: the unlinked phone is closed out.
		await documentsChanged(tx, [documentName.patientLive(patientId), documentName.patientAppointments(patientId)]);
		return { patientId, userId: record.userId };
	});
}
