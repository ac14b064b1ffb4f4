import type { beforeHandleMessagePayload, Extension, onLoadDocumentPayload, onStoreDocumentPayload } from '@hocuspocus/server';
import * as Y from 'yjs';
import { documentKindOf, parseDocumentName } from '../../src/lib/sync/protocol';
import type { Db } from '../../src/lib/server/db';
import { compactCollaborativeDocument, ensureCollaborativeDocument, loadCollaborativeDocument } from '../../src/lib/server/sync/persistence';
import { UpdateLog } from '../../src/lib/server/sync/updateLog';
import { logger } from '../../src/lib/server/logger';
import type { SyncContext } from '../context';
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

	constructor(
		private readonly db: Db,
		/** Replaceable so a test can make compaction fail. */
		private readonly compact: CompactDocument = compactCollaborativeDocument
	) {
		this.log = new UpdateLog(db);
	}

	async onLoadDocument({ documentName, document, context }: onLoadDocumentPayload) {
		if (!isCollaborative(documentName)) return;
		const ctx: SyncContext = context ?? {};
		await ensureCollaborativeDocument(this.db, documentName, ctx.facts?.clinicId ?? null);
		const stored = await loadCollaborativeDocument(this.db, documentName);
		if (stored.state) Y.applyUpdate(document, stored.state);
	}

	async beforeHandleMessage({ documentName, update, connection }: beforeHandleMessagePayload) {
		if (connection.readOnly || !isCollaborative(documentName)) return;
		const frame = decodedFrame(update);
		if (frame.type !== 'sync' || frame.step === 'step1' || isEmptyUpdate(frame.payload)) return;
		// A copy: the frame's buffer may be a slice of a larger one that ws reuses.
		await this.log.append(documentName, frame.payload.slice());
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
