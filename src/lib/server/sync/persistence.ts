import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import { syncDocument, syncUpdate } from '../db/schema';
import type { Db, Tx } from '../db';
import { logger } from '../logger';

/**
 * Collaborative documents in Postgres: a compacted snapshot (sync_document) plus the updates
 * appended since (sync_update). An update is appended before the server applies and broadcasts
 * it, so an accepted update survives the server dying; compaction folds updates into the
 * snapshot and deletes exactly the rows it folded.
 */

export async function isDocumentClosed(db: Db, name: string): Promise<boolean> {
	const [row] = await db.select({ closedAt: syncDocument.closedAt }).from(syncDocument).where(eq(syncDocument.name, name));
	return row?.closedAt != null;
}

/** Whether the document was ever opened (it has a row), whatever its state. */
export async function collaborativeDocumentExists(db: Db, name: string): Promise<boolean> {
	const [row] = await db.select({ name: syncDocument.name }).from(syncDocument).where(eq(syncDocument.name, name));
	return row !== undefined;
}

/** Creates the document's row on first use, so later appends are one INSERT each. */
export async function ensureCollaborativeDocument(db: Db, name: string, clinicId: string | null): Promise<void> {
	await db.insert(syncDocument).values({ name, clinicId }).onConflictDoNothing();
}

export type StoredDocument = { state: Uint8Array | null; updates: number; closed: boolean };

/**
 * The document's whole state: its snapshot with every update not yet folded into it. Updates
 * already folded by a concurrent compaction apply again harmlessly (Yjs updates are idempotent).
 * An update that does not decode is skipped and logged rather than making the document unloadable.
 */
export async function loadCollaborativeDocument(db: Db, name: string): Promise<StoredDocument> {
	const [row] = await db.select().from(syncDocument).where(eq(syncDocument.name, name));
	const updates = await db
		.select({ id: syncUpdate.id, data: syncUpdate.data })
		.from(syncUpdate)
		.where(eq(syncUpdate.documentName, name))
		.orderBy(asc(syncUpdate.id));
	if (!row?.snapshot && updates.length === 0) return { state: null, updates: 0, closed: row?.closedAt != null };
	const doc = foldUpdates(name, row?.snapshot ?? null, updates).doc;
	const state = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return { state, updates: updates.length, closed: row?.closedAt != null };
}

/**
 * Appends client updates to the log (one statement for a batch, in arrival order), unless their
 * document is closed. The documents' rows are share-locked first: a command that closes a
 * document (completing a visit) holds the row exclusively from reading the log to commit, so an
 * update is either logged before it (and in its snapshot) or finds the document closed and is
 * refused. Returns the names of the closed documents whose updates were refused.
 */
export async function appendDocumentUpdates(db: Db, rows: { documentName: string; data: Uint8Array }[]): Promise<Set<string>> {
	if (rows.length === 0) return new Set();
	const names = [...new Set(rows.map((r) => r.documentName))].sort();
	return db.transaction(async (tx) => {
		const docs = await tx
			.select({ name: syncDocument.name, closedAt: syncDocument.closedAt })
			.from(syncDocument)
			.where(inArray(syncDocument.name, names))
			.orderBy(asc(syncDocument.name))
			.for('share');
		const closed = new Set(docs.filter((d) => d.closedAt !== null).map((d) => d.name));
		const open = rows.filter((r) => !closed.has(r.documentName));
		if (open.length > 0) await tx.insert(syncUpdate).values(open);
		return closed;
	});
}

/** The document's row locked for a command that reads or writes its content (`lockCollaborativeDocument`). */
export type LockedDocument = { doc: Y.Doc; closed: boolean };

/**
 * Locks a collaborative document against appends and compaction until the transaction ends, and
 * returns its whole state as logged (snapshot plus every update): what a command that writes into
 * it or snapshots it reads. Creates the row when the document was never opened.
 */
export async function lockCollaborativeDocument(tx: Tx, name: string, clinicId: string | null): Promise<LockedDocument> {
	await tx.insert(syncDocument).values({ name, clinicId }).onConflictDoNothing();
	const [row] = await tx.select().from(syncDocument).where(eq(syncDocument.name, name)).for('update');
	const updates = await tx
		.select({ id: syncUpdate.id, data: syncUpdate.data })
		.from(syncUpdate)
		.where(eq(syncUpdate.documentName, name))
		.orderBy(asc(syncUpdate.id));
	return { doc: foldUpdates(name, row.snapshot, updates).doc, closed: row.closedAt !== null };
}

/** Appends a server-made update to a document locked by `lockCollaborativeDocument` (a command writing into it). */
export async function appendLockedUpdate(tx: Tx, name: string, data: Uint8Array): Promise<void> {
	await tx.insert(syncUpdate).values({ documentName: name, data });
}

export type Compaction = { folded: number; skipped: number };

/**
 * Folds the logged updates into the snapshot. The document row is locked, so two instances
 * compacting together take turns and the second finds nothing to do; the new snapshot is built
 * from the stored snapshot plus the rows, never from an in-memory copy that may lag behind.
 */
export async function compactCollaborativeDocument(db: Db, name: string): Promise<Compaction> {
	return db.transaction(async (tx) => {
		const [row] = await tx.select().from(syncDocument).where(eq(syncDocument.name, name)).for('update');
		if (!row) return { folded: 0, skipped: 0 };
		const updates = await tx
			.select({ id: syncUpdate.id, data: syncUpdate.data })
			.from(syncUpdate)
			.where(eq(syncUpdate.documentName, name))
			.orderBy(asc(syncUpdate.id));
		if (updates.length === 0) return { folded: 0, skipped: 0 };
		const { doc, folded, skipped } = foldUpdates(name, row.snapshot, updates);
		const snapshot = Y.encodeStateAsUpdate(doc);
		doc.destroy();
		const lastId = Math.max(row.snapshotUpdateId, ...folded);
		await tx.update(syncDocument).set({ snapshot, snapshotUpdateId: lastId, updatedAt: new Date() }).where(eq(syncDocument.name, name));
		await deleteFolded(tx, name, folded);
		return { folded: folded.length, skipped };
	});
}

/** Marks a collaborative document read-only, inside the command that snapshots it into Postgres. */
export async function closeCollaborativeDocument(tx: Tx, name: string, clinicId: string | null): Promise<void> {
	await tx
		.insert(syncDocument)
		.values({ name, clinicId, closedAt: new Date() })
		.onConflictDoUpdate({ target: syncDocument.name, set: { closedAt: sql`coalesce(${syncDocument.closedAt}, now())` } });
}

async function deleteFolded(tx: Tx, name: string, ids: number[]) {
	// Chunks keep the statement's parameter list bounded on documents with a long log.
	for (let i = 0; i < ids.length; i += 1000) {
		await tx.delete(syncUpdate).where(and(eq(syncUpdate.documentName, name), inArray(syncUpdate.id, ids.slice(i, i + 1000))));
	}
}

function foldUpdates(name: string, snapshot: Uint8Array | null, updates: { id: number; data: Uint8Array }[]) {
	const doc = new Y.Doc();
	if (snapshot) Y.applyUpdate(doc, snapshot);
	const folded: number[] = [];
	let skipped = 0;
	for (const update of updates) {
		try {
			Y.applyUpdate(doc, update.data);
			folded.push(update.id);
		} catch (err) {
			skipped++;
			logger().warn({ err, document: name, updateId: update.id }, 'skipping an update that does not decode');
		}
	}
	return { doc, folded, skipped };
}
