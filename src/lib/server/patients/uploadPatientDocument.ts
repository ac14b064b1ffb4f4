import { createHash, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { patient, patientDocument, patientDocumentKind, type PatientDocument } from '../db/schema/patients';
import type { Db } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, badRequest, forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { fileStore, storageUnavailable } from '../storage';
import { can } from './policy';
import { MAX_DOCUMENT_BYTES, cleanFileName, sniffDocumentType } from './fileType';
import { getPatient } from './queries';

export const documentInput = z.object({
	kind: z.enum(patientDocumentKind.enumValues),
	fileName: z.string().max(255).default('')
});

export type DocumentUpload = { kind: unknown; fileName: unknown; bytes: Uint8Array };

/**
 * Stores a document of a patient (an ID scan, an insurance card, a referral letter, a lab
 * report). Only PDF, PNG, JPEG and WebP are kept, judged by the bytes themselves, up to 10 MB.
 * The bytes are written first; if the row cannot be written they are removed again, and if the
 * store cannot take them no row is written.
 */
export async function uploadPatientDocument(db: Db, ctx: ClinicContext, patientId: string, upload: DocumentUpload): Promise<PatientDocument> {
	if (!can(ctx.actor, 'patient.documents')) throw forbidden();
	const { kind, fileName } = parseInput(documentInput, { kind: upload.kind, fileName: upload.fileName ?? '' });
	const { bytes } = upload;
	if (bytes.byteLength === 0) throw badRequest('Choose a file', 'file', 'field_required');
	if (bytes.byteLength > MAX_DOCUMENT_BYTES) {
		throw new AppError('file_too_large', 413, 'The file is over 10 MB', 'file', { max: MAX_DOCUMENT_BYTES / (1024 * 1024) });
	}
	const contentType = sniffDocumentType(bytes);
	if (!contentType) throw new AppError('file_type', 400, 'Only PDF, PNG, JPEG and WebP files are accepted', 'file');
	const existing = await getPatient(db, ctx.clinicId, patientId);
	if (!existing || existing.mergedIntoId) throw notFound('No such patient');

	const storageKey = `${ctx.clinicId}/${randomUUID()}`;
	const store = fileStore();
	try {
		await store.put(storageKey, bytes, contentType);
	} catch (e) {
		throw storageUnavailable(e, 'patient document upload');
	}
	try {
		return await runCommand(db, null, async (tx) => {
			// The record must still be live when the row is written (a merge may have happened meanwhile).
			const [live] = await tx
				.select({ id: patient.id })
				.from(patient)
				.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, patientId), isNull(patient.mergedIntoId)))
				.for('share');
			if (!live) throw notFound('No such patient');
			const [row] = await tx
				.insert(patientDocument)
				.values({
					clinicId: ctx.clinicId,
					patientId,
					kind,
					fileName: cleanFileName(fileName, contentType),
					contentType,
					sizeBytes: bytes.byteLength,
					sha256: createHash('sha256').update(bytes).digest('hex'),
					storageKey,
					uploadedBy: ctx.actor.userId
				})
				.returning();
			await appendAudit(tx, {
				clinicId: ctx.clinicId,
				actorUserId: ctx.actor.userId,
				action: 'patient.document.upload',
				entityType: 'patient',
				entityId: patientId,
				data: { documentId: row.id, kind, contentType, sizeBytes: row.sizeBytes, sha256: row.sha256 }
			});
			return row;
		});
	} catch (e) {
		await store.remove(storageKey).catch(() => undefined);
		throw e;
	}
}
