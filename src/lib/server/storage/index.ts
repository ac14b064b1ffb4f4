import { join } from 'node:path';
import { env } from '../env';
import { FilesystemStore } from './filesystem';

/**
 * Where uploaded files' bytes live. Rows in the database hold only the key; the bytes go to a
 * store, so a deployment can move them (to an S3-compatible bucket) without touching the data.
 */
export interface FileStore {
	/** Writes the bytes under a key that no other file uses. */
	put(key: string, bytes: Uint8Array): Promise<void>;
	/** The bytes, or null when the key holds nothing. */
	get(key: string): Promise<Uint8Array | null>;
	/** Removes the bytes; a missing key is not an error (used to undo a failed upload). */
	remove(key: string): Promise<void>;
}

let configured: FileStore | undefined;

/** The process's store: `DATA_DIR/files`. An S3-compatible store would be chosen here from S3_* settings (not built yet). */
export function fileStore(): FileStore {
	configured ??= new FilesystemStore(join(env().dataDir, 'files'));
	return configured;
}

/** Replaces the process's store (tests point it at a temporary folder). */
export function setFileStore(store: FileStore): void {
	configured = store;
}
