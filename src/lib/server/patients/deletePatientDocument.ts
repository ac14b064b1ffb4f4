import { and, eq, isNull } from 'drizzle-orm';
import { patientDocument } from '../db/schema/patients';
import type { Db, Tx } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { conflict, forbidden, notFound } from '../errors';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { isUuid } from '../text';

/**
 * Hides a document from the record. The row (with who deleted it and when) and the bytes stay,
 * because a clinical record is not destroyed by a click: the audit log can still explain it.
 * A visit's attachment (a chart photo, PDF or voice note) is not the desk's to hide at all: it is
 * part of the visit's record, append-only like an addendum, and is refused (409).
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
					isNull(patientDocument.deletedAt),
					isNull(patientDocument.visitId)
				)
			)
			.returning();
		if (!row) throw (await isVisitAttachment(tx, ctx.clinicId, patientId, documentId)) ? attachmentAppendOnly() : notFound('No such document');
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

const attachmentAppendOnly = () => conflict('A visit attachment is part of the visit record', 'attachment_append_only');

async function isVisitAttachment(tx: Tx, clinicId: string, patientId: string, documentId: string): Promise<boolean> {
	const [row] = await tx
		.select({ visitId: patientDocument.visitId })
		.from(patientDocument)
		.where(and(eq(patientDocument.clinicId, clinicId), eq(patientDocument.patientId, patientId), eq(patientDocument.id, documentId)));
	return Boolean(row?.visitId);
}
