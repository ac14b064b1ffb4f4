import type { beforeHandleMessagePayload, Extension, Hocuspocus, onLoadDocumentPayload, onStoreDocumentPayload } from '@hocuspocus/server';
import * as Y from 'yjs';
import { documentKindOf, parseDocumentName, SyncClose } from '../../src/lib/sync/protocol';
import type { Db } from '../../src/lib/server/db';
import { compactCollaborativeDocument, ensureCollaborativeDocument, loadCollaborativeDocument } from '../../src/lib/server/sync/persistence';
import { DocumentClosedError, UpdateLog } from '../../src/lib/server/sync/updateLog';
import { logger } from '../../src/lib/server/logger';
import { SyncRefusal, type SyncContext } from '../context';
import { decodedFrame } from '../gate';
import { isEmptyUpdate } from '../frames';

const isCollaborative = (name: string) => {
	const ref = parseDocumentName(name);
	return ref !== null && documentKindOf(ref) === 'collaborative';
};

/**
 * Collaborative documents in Postgres. Every update a writer sends is appended to the log
 * before Hocuspocus applies and broadcasts it (beforeHandleMessage runs first and is awaited);
 * if the append fails, the update is refused and the provider resends it after reconnecting.
 * Hocuspocus's debounced store (and the store on unload) compacts the log into the snapshot.
 */
export type CompactDocument = typeof compactCollaborativeDocument;

export class Persistence implements Extension {
	extensionName = 'tabeeb-persistence';
	readonly log: UpdateLog;
	private instance: Hocuspocus | null = null;

	constructor(
		private readonly db: Db,
		/** Replaceable so a test can make compaction fail. */
		private readonly compact: CompactDocument = compactCollaborativeDocument
	) {
		this.log = new UpdateLog(db);
	}

	async onConfigure({ instance }: { instance: Hocuspocus }) {
		this.instance = instance;
	}

	/**
	 * A command wrote into these documents through the log (`PATCH …/visits/{id}/chart`) and
	 * published their names: the ones held here take what they lack from the log, through a
	 * direct connection, so every editor sees it arrive. Never appended again: it is logged already.
	 */
	async refresh(names: string[]): Promise<void> {
		const instance = this.instance;
		if (!instance) return;
		for (const name of names) {
			const document = instance.documents.get(name);
			if (!document || !isCollaborative(name)) continue;
			try {
				const stored = await loadCollaborativeDocument(this.db, name);
				if (!stored.state) continue;
				const missing = Y.diffUpdate(stored.state, Y.encodeStateVector(document));
				if (isEmptyUpdate(missing)) continue;
				const connection = await instance.openDirectConnection(name, { serverWriter: true });
				await connection.transact((doc) => Y.applyUpdate(doc, missing));
				await connection.disconnect();
			} catch (err) {
				logger().warn({ err, document: name }, 'could not bring a document up to its log');
			}
		}
	}

	async onLoadDocument({ documentName, document, context }: onLoadDocumentPayload) {
		if (!isCollaborative(documentName)) return;
		const ctx: SyncContext = context ?? {};
		await ensureCollaborativeDocument(this.db, documentName, ctx.facts?.clinicId ?? null);
		const stored = await loadCollaborativeDocument(this.db, documentName);
		if (stored.state) Y.applyUpdate(document, stored.state);
	}

	/**
	 * An update to a document a command closed first (a completed visit's chart) is not kept: the
	 * connection becomes read-only and this document is closed for it with `visitCompleted`, so
	 * the writer learns why its edit was not taken (the other documents of its socket stay open).
	 */
	async beforeHandleMessage({ documentName, update, connection, context }: beforeHandleMessagePayload) {
		if (connection.readOnly || !isCollaborative(documentName)) return;
		const frame = decodedFrame(update);
		if (frame.type !== 'sync' || frame.step === 'step1' || isEmptyUpdate(frame.payload)) return;
		try {
			// A copy: the frame's buffer may be a slice of a larger one that ws reuses.
			await this.log.append(documentName, frame.payload.slice());
		} catch (err) {
			if (!(err instanceof DocumentClosedError)) throw err;
			const ctx: SyncContext = context ?? {};
			connection.readOnly = true;
			ctx.access = 'read';
			ctx.socket?.documentClosed(documentName, SyncClose.visitCompleted);
			throw new SyncRefusal(SyncClose.visitCompleted.code, SyncClose.visitCompleted.reason);
		}
	}

	async onStoreDocument({ documentName }: onStoreDocumentPayload) {
		if (!isCollaborative(documentName)) return;
		try {
			await this.log.drain();
			const result = await this.compact(this.db, documentName);
			if (result.folded > 0) logger().debug({ document: documentName, ...result }, 'compacted');
		} catch (err) {
			// The log still holds every update and the document stays in memory: nothing is lost.
			logger().error({ err, document: documentName }, 'compaction failed');
		}
	}

	async onDestroy() {
		await this.log.drain();
	}
}
