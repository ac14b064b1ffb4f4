/**
 * Where uploaded files' bytes live. Rows in the database hold only the key; the bytes go to a
 * store, so a deployment can move them (to an S3-compatible bucket) without touching the data.
 * Keys are `<clinicId>/<uuid>`: letters, digits, dashes and slashes, never a name a user chose.
 */
export interface FileStore {
	/** Writes the bytes under a key that no other file uses. */
	put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
	/** The bytes, or null when the key holds nothing. */
	get(key: string): Promise<Uint8Array | null>;
	/** The bytes as a stream with their length, or null when the key holds nothing. */
	open(key: string): Promise<StoredFile | null>;
	/** Removes the bytes; a missing key is not an error (used to undo a failed upload). */
	remove(key: string): Promise<void>;
	/** Proves the store is usable (reachable, credentials accepted); throws a FileStoreError when not. */
	check(): Promise<void>;
}

export type StoredFile = { body: ReadableStream<Uint8Array>; size: number };

/**
 * Why a store could not do what was asked. `message` is for the operator's log and names what
 * to fix; users see a translated "document store unavailable" instead.
 */
export type FileStoreProblem = 'unreachable' | 'credentials' | 'no_bucket' | 'refused';

export class FileStoreError extends Error {
	constructor(
		readonly problem: FileStoreProblem,
		message: string,
		options?: { cause?: unknown }
	) {
		super(message, options);
		this.name = 'FileStoreError';
	}
}

export function isFileStoreError(e: unknown): e is FileStoreError {
	return e instanceof FileStoreError;
}

const KEY = /^[0-9a-z-]{1,64}(?:\/[0-9a-z-]{1,64})*$/;

export function assertStorageKey(key: string): void {
	if (!KEY.test(key)) throw new Error(`Invalid storage key ${JSON.stringify(key)}`);
}
