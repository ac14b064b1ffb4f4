import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { appUser, type Visit } from '../db/schema';
import { patientDocument } from '../db/schema/patients';
import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { idempotencyKeyInput, optionalIdempotency, runCommand } from '../command';
import { AppError, badRequest, forbidden } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { fileStore, storageUnavailable } from '../storage';
import { can } from './policy';
import { auditVisit, findVisit, lockVisit } from './common';
import { MAX_ATTACHMENT_BYTES, attachmentFileName, attachmentKind, sniffAttachmentType } from './attachmentType';
import { presentAttachment, type AttachmentView } from './attachments';

export const attachmentInput = z.strictObject({
	fileName: z.string().max(255).default(''),
	/** Which paper a PDF is; photos and voice notes are told by their bytes. */
	kind: z.enum(['lab_report', 'referral_letter', 'other']).optional(),
	idempotencyKey: idempotencyKeyInput.optional()
});

/** The upload's text fields (`fileName`, `kind`, `idempotencyKey`), unchecked, and the file's bytes. */
export type AttachmentUpload = { fields: unknown; bytes: Uint8Array };

/**
 * The visit, when the caller may attach to its chart (its doctor, the clinic's nurses): 403 for
 * anyone else of the clinic, 404 for another clinic's. The API asks before reading the upload.
 */
export async function attachableVisit(db: Db, ctx: ClinicContext, visitId: string): Promise<Visit> {
	if (!can(ctx.actor, 'chart.view')) throw forbidden();
	const visit = await findVisit(db, ctx.clinicId, visitId);
	if (!can(ctx.actor, 'chart.write', { clinicianUserIds: [visit.doctorId] })) throw forbidden();
	return visit;
}

/**
 * Attaches a photo, a PDF or a voice note to a visit's chart, in the patient's document store
 * with the visit named. Whoever may write the chart may attach (the visit's doctor, the clinic's
 * nurses), while it is open and after it is completed, like an addendum: attachments are
 * append-only and are never deleted (the patient page's delete refuses them). What the file is
 * comes from its bytes; at most 10 MB. The bytes are stored first and removed again when the row
 * is not written (a refusal, a failure, or a retry answered from its idempotency key).
 */
export async function addAttachment(db: Db, ctx: ClinicContext, visitId: string, upload: AttachmentUpload): Promise<AttachmentView> {
	const visit = await attachableVisit(db, ctx, visitId);
	const data = parseInput(attachmentInput, upload.fields);
	const { bytes } = upload;
	if (bytes.byteLength === 0) throw badRequest('Choose a file', 'file', 'field_required');
	if (bytes.byteLength > MAX_ATTACHMENT_BYTES) {
		throw new AppError('file_too_large', 413, 'The file is over 10 MB', 'file', { max: MAX_ATTACHMENT_BYTES / (1024 * 1024) });
	}
	const contentType = sniffAttachmentType(bytes);
	if (!contentType) throw new AppError('attachment_type', 400, 'Only photos (JPEG, PNG, WebP), PDFs and voice notes are accepted', 'file');
	const kind = attachmentKind(contentType, data.kind);
	const fileName = attachmentFileName(data.fileName, contentType);
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	const idempotency = optionalIdempotency(`visit.attachment:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { visitId, kind, fileName, sha256 });

	const storageKey = `${ctx.clinicId}/${randomUUID()}`;
	const store = fileStore();
	try {
		await store.put(storageKey, bytes, contentType);
	} catch (e) {
		throw storageUnavailable(e, 'visit attachment upload');
	}
	let written = false;
	try {
		const view = await runCommand(db, idempotency, async (tx) => {
			const row = await lockVisit(tx, ctx.clinicId, visit.id);
			const [added] = await tx
				.insert(patientDocument)
				.values({
					clinicId: row.clinicId,
					patientId: row.patientId,
					visitId: row.id,
					kind,
					fileName,
					contentType,
					sizeBytes: bytes.byteLength,
					sha256,
					storageKey,
					uploadedBy: ctx.actor.userId
				})
				.returning();
			await auditVisit(tx, ctx, 'visit.attachment.add', row, { documentId: added.id, kind, contentType, sizeBytes: added.sizeBytes, sha256 });
			const [by] = await tx.select({ name: appUser.name }).from(appUser).where(eq(appUser.id, ctx.actor.userId));
			written = true;
			return presentAttachment({
				id: added.id,
				kind: added.kind,
				fileName: added.fileName,
				contentType: added.contentType,
				sizeBytes: added.sizeBytes,
				createdAt: added.createdAt,
				uploadedBy: added.uploadedBy,
				uploadedByName: by?.name ?? null
			});
		});
		if (!written) await store.remove(storageKey).catch(() => undefined);
		return view;
	} catch (e) {
		await store.remove(storageKey).catch(() => undefined);
		throw e;
	}
}
