import { and, desc, eq, isNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { appUser } from '../db/schema';
import { patient, patientDocument, patientMerge, type PatientDocument } from '../db/schema/patients';
import type { Db } from '../db';
import { fileStore, storageUnavailable } from '../storage';
import { isUuid } from '../text';

/** Reads that go with a patient's page: documents and the story of merges. */

export type DocumentListing = Pick<PatientDocument, 'id' | 'kind' | 'fileName' | 'contentType' | 'sizeBytes' | 'createdAt'> & {
	uploadedByName: string | null;
};

/** The record's documents, newest first; deleted ones are hidden, and so are visits' attachments (clinical: the chart shows them). */
export async function listPatientDocuments(db: Db, clinicId: string, patientId: string): Promise<DocumentListing[]> {
	if (!isUuid(patientId)) return [];
	return db
		.select({
			id: patientDocument.id,
			kind: patientDocument.kind,
			fileName: patientDocument.fileName,
			contentType: patientDocument.contentType,
			sizeBytes: patientDocument.sizeBytes,
			createdAt: patientDocument.createdAt,
			uploadedByName: appUser.name
		})
		.from(patientDocument)
		.leftJoin(appUser, eq(appUser.id, patientDocument.uploadedBy))
		.where(
			and(eq(patientDocument.clinicId, clinicId), eq(patientDocument.patientId, patientId), isNull(patientDocument.deletedAt), isNull(patientDocument.visitId))
		)
		.orderBy(desc(patientDocument.createdAt));
}

/** One live document with its bytes, or null (another clinic's, deleted, or missing bytes). */
export async function readPatientDocument(db: Db, clinicId: string, patientId: string, documentId: string) {
	const row = await liveDocument(db, clinicId, patientId, documentId);
	if (!row) return null;
	try {
		const bytes = await fileStore().get(row.storageKey);
		return bytes ? { document: row, bytes } : null;
	} catch (e) {
		throw storageUnavailable(e, 'patient document download');
	}
}

/** Like readPatientDocument, but the bytes come as a stream, for sending them on without holding 10 MB in memory. */
export async function openPatientDocument(db: Db, clinicId: string, patientId: string, documentId: string) {
	const row = await liveDocument(db, clinicId, patientId, documentId);
	if (!row) return null;
	try {
		const file = await fileStore().open(row.storageKey);
		return file ? { document: row, ...file } : null;
	} catch (e) {
		throw storageUnavailable(e, 'patient document download');
	}
}

async function liveDocument(db: Db, clinicId: string, patientId: string, documentId: string) {
	if (!isUuid(patientId) || !isUuid(documentId)) return null;
	const [row] = await db
		.select()
		.from(patientDocument)
		.where(
			and(
				eq(patientDocument.clinicId, clinicId),
				eq(patientDocument.patientId, patientId),
				eq(patientDocument.id, documentId),
				isNull(patientDocument.deletedAt),
				// A visit's attachment is read through the chart (`chart.view`), never the desk's document door.
				isNull(patientDocument.visitId)
			)
		);
	return row ?? null;
}

export type MergeStory = {
	id: string;
	otherId: string;
	otherRefNo: number;
	otherName: string;
	byName: string | null;
	at: Date;
	moved: Record<string, number>;
	reason: string;
};

/**
 * Merges that involve the record: `absorbed` are the duplicates merged into it, `into` is the
 * record it was itself merged into (then it only explains where its data went).
 */
export async function mergeHistory(db: Db, clinicId: string, patientId: string): Promise<{ absorbed: MergeStory[]; into: MergeStory | null }> {
	if (!isUuid(patientId)) return { absorbed: [], into: null };
	const other = alias(patient, 'other');
	const select = (otherSide: typeof patientMerge.mergedId | typeof patientMerge.survivorId) =>
		db
			.select({
				id: patientMerge.id,
				otherId: other.id,
				otherRefNo: other.refNo,
				otherName: other.name,
				byName: appUser.name,
				at: patientMerge.createdAt,
				moved: patientMerge.moved,
				reason: patientMerge.reason
			})
			.from(patientMerge)
			.innerJoin(other, eq(other.id, otherSide))
			.leftJoin(appUser, eq(appUser.id, patientMerge.mergedBy));
	const absorbed = await select(patientMerge.mergedId)
		.where(and(eq(patientMerge.clinicId, clinicId), eq(patientMerge.survivorId, patientId)))
		.orderBy(desc(patientMerge.createdAt));
	const [into] = await select(patientMerge.survivorId).where(and(eq(patientMerge.clinicId, clinicId), eq(patientMerge.mergedId, patientId)));
	return { absorbed, into: into ?? null };
}
