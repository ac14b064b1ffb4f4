import type { Db } from '../db';
import { appendDocumentUpdates } from './persistence';

/** An update refused because its document was closed (a completed visit's chart) before it reached the log. */
export class DocumentClosedError extends Error {
	constructor(readonly documentName: string) {
		super(`${documentName} is closed`);
		this.name = 'DocumentClosedError';
	}
}

type Pending = { row: { documentName: string; data: Uint8Array }; resolve: () => void; reject: (e: unknown) => void };

/**
 * The append side of the update log, with group commit: updates that arrive while a write is
 * in flight go out together in the next INSERT, so a busy document costs one round trip per
 * batch rather than one per keystroke. `append` resolves once the update is durable, and rejects
 * with `DocumentClosedError` when its document was closed first.
 */
export class UpdateLog {
	private pending: Pending[] = [];
	private flushing: Promise<void> | null = null;

	constructor(
		private readonly db: Db,
		private readonly maxBatch = 500
	) {}

	append(documentName: string, data: Uint8Array): Promise<void> {
		return new Promise((resolve, reject) => {
			this.pending.push({ row: { documentName, data }, resolve, reject });
			this.flushing ??= this.flush();
		});
	}

	/** Resolves when everything appended so far is written (or has failed). */
	async drain(): Promise<void> {
		while (this.flushing) await this.flushing;
	}

	private async flush(): Promise<void> {
		try {
			while (this.pending.length > 0) {
				const batch = this.pending.splice(0, this.maxBatch);
				try {
					const closed = await appendDocumentUpdates(
						this.db,
						batch.map((p) => p.row)
					);
					for (const p of batch) {
						if (closed.has(p.row.documentName)) p.reject(new DocumentClosedError(p.row.documentName));
						else p.resolve();
					}
				} catch (e) {
					for (const p of batch) p.reject(e);
				}
			}
		} finally {
			this.flushing = null;
		}
	}
}
