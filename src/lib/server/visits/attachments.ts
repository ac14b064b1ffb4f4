import { and, asc, eq, isNull } from 'drizzle-orm';
import { appUser } from '../db/schema';
import { patientDocument, type PatientDocument } from '../db/schema/patients';
import type { Db } from '../db';
import { runCommand } from '../command';
import { forbidden, notFound } from '../errors';
import { fileStore, storageUnavailable, type StoredFile } from '../storage';
import { isUuid } from '../text';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { auditVisit, findVisit } from './common';

/**
 * The chart's attachments (photos, PDFs, voice notes): rows of the patient's document store that
 * name the visit. They are clinical notes, so reading them is `chart.view` (the clinic's doctors
 * and nurses), never the desk's `patient.documents`: the patient page's documents leave them out.
 */
export type AttachmentView = {
	id: string;
	kind: PatientDocument['kind'];
	fileName: string;
	contentType: string;
	sizeBytes: number;
	createdAt: string;
	uploadedBy: string | null;
	uploadedByName: string | null;
};

type AttachmentRow = Omit<AttachmentView, 'createdAt'> & { createdAt: Date | string };

export const presentAttachment = (row: AttachmentRow): AttachmentView => ({ ...row, createdAt: new Date(row.createdAt).toISOString() });

/** A visit's attachments, oldest first (the order they were added to the chart). */
export async function listVisitAttachments(db: Db, ctx: ClinicContext, visitId: string): Promise<AttachmentView[]> {
	if (!can(ctx.actor, 'chart.view')) throw forbidden();
	const row = await findVisit(db, ctx.clinicId, visitId);
	const rows = await db
		.select({
			id: patientDocument.id,
			kind: patientDocument.kind,
			fileName: patientDocument.fileName,
			contentType: patientDocument.contentType,
			sizeBytes: patientDocument.sizeBytes,
			createdAt: patientDocument.createdAt,
			uploadedBy: patientDocument.uploadedBy,
			uploadedByName: appUser.name
		})
		.from(patientDocument)
		.leftJoin(appUser, eq(appUser.id, patientDocument.uploadedBy))
		.where(and(eq(patientDocument.clinicId, ctx.clinicId), eq(patientDocument.visitId, row.id), isNull(patientDocument.deletedAt)))
		.orderBy(asc(patientDocument.createdAt), asc(patientDocument.id));
	return rows.map(presentAttachment);
}

/**
 * One attachment's bytes as a stream, for someone who may read the chart. Opening the content is
 * a clinical read, so it is audited (`visit.attachment.view`, with the document) before any byte
 * is sent; listing the names is not.
 */
export async function openVisitAttachment(db: Db, ctx: ClinicContext, visitId: string, attachmentId: string) {
	if (!can(ctx.actor, 'chart.view')) throw forbidden();
	const visitRow = await findVisit(db, ctx.clinicId, visitId);
	if (!isUuid(attachmentId)) throw notFound('No such attachment');
	const [document] = await db
		.select()
		.from(patientDocument)
		.where(
			and(
				eq(patientDocument.clinicId, ctx.clinicId),
				eq(patientDocument.visitId, visitRow.id),
				eq(patientDocument.id, attachmentId),
				isNull(patientDocument.deletedAt)
			)
		);
	if (!document) throw notFound('No such attachment');
	let file: StoredFile | null;
	try {
		file = await fileStore().open(document.storageKey);
	} catch (e) {
		throw storageUnavailable(e, 'visit attachment download');
	}
	if (!file) throw notFound('No such attachment');
	try {
		await runCommand(db, null, (tx) => auditVisit(tx, ctx, 'visit.attachment.view', visitRow, { documentId: document.id, kind: document.kind }));
	} catch (e) {
		await file.body.cancel().catch(() => undefined);
		throw e;
	}
	return { document, ...file };
}
