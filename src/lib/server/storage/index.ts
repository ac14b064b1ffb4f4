import { join } from 'node:path';
import { env } from '../env';
import { FilesystemStore } from './filesystem';
import { S3Store } from './s3';
import { AppError } from '../errors';
import { logger } from '../logger';
import { FileStoreError, type FileStore } from './store';

export { FileStoreError, isFileStoreError, type FileStore, type FileStoreProblem, type StoredFile } from './store';

let configured: FileStore | undefined;

/** The process's store: the S3-compatible bucket when S3_* is set, else `DATA_DIR/files`. */
export function fileStore(): FileStore {
	if (configured) return configured;
	const { s3, dataDir } = env();
	configured = s3 ? new S3Store(s3) : new FilesystemStore(join(dataDir, 'files'));
	return configured;
}

/** Replaces the process's store (tests point it at a temporary folder or a test bucket). */
export function setFileStore(store: FileStore): void {
	configured = store;
}

/**
 * What a user is told when the store fails: a translated "documents cannot be stored or read
 * right now". The operator's log gets the store's own sentence (which setting to fix).
 */
export function storageUnavailable(e: unknown, during: string): AppError {
	logger().error(
		{ err: e, problem: e instanceof FileStoreError ? e.problem : 'unknown' },
		`document store failed during ${during}: ${e instanceof Error ? e.message : String(e)}`
	);
	return new AppError('storage_unavailable', 503, 'The document store is unavailable', 'file');
}

/**
 * Checked once at start: a store that refuses the credentials or has no such bucket is a
 * configuration mistake, so Tabeeb does not start; one that cannot be reached may come back,
 * so Tabeeb starts (the calendar and queue do not need it) and says so in the log.
 */
export async function checkFileStoreAtStart(store: FileStore = fileStore()): Promise<void> {
	try {
		await store.check();
	} catch (e) {
		if (e instanceof FileStoreError && e.problem === 'unreachable') {
			logger().warn({ problem: e.problem }, `${e.message}; uploads and downloads of patient documents will fail until it can`);
			return;
		}
		throw new Error(`Tabeeb cannot start: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
	}
}
