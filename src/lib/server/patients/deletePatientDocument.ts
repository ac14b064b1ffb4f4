import { and, eq, isNull } from 'drizzle-orm';
import { patientDocument } from '../db/schema/patients';
import type { Db } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { forbidden, notFound } from '../errors';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { isUuid } from '../text';

/**
 * Hides a document from the record. The row (with who deleted it and when) and the bytes stay,
 * because a clinical record is not destroyed by a click: the audit log can still explain it.
 */
export async function deletePatientDocument(db: Db, ctx: ClinicContext, patientId: string, documentId: string) {
	if (!can(ctx.actor, 'patient.documents')) throw forbidden();
	if (!isUuid(patientId) || !isUuid(documentId)) throw notFound('No such document');
	return runCommand(db, null, async (tx) => {
		const [row] = await tx
			.update(patientDocument)
			.set({ deletedAt: new Date(), deletedBy: ctx.actor.userId })
			.where(
				and(
					eq(patientDocument.clinicId, ctx.clinicId),
					eq(patientDocument.patientId, patientId),
					eq(patientDocument.id, documentId),
					isNull(patientDocument.deletedAt)
				)
			)
			.returning();
		if (!row) throw notFound('No such document');
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'patient.document.delete',
			entityType: 'patient',
			entityId: patientId,
			data: { documentId, kind: row.kind, fileName: row.fileName }
		});
		return { id: row.id, deletedAt: row.deletedAt };
	});
}
