import { createReadStream } from 'node:fs';
import { access, constants, mkdir, open, readFile, rm, writeFile, rename } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { dirname, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import { FileStoreError, assertStorageKey, type FileStore, type StoredFile } from './store';

/** Files under one root folder, one file per key. */
export class FilesystemStore implements FileStore {
	constructor(readonly root: string) {}

	// The content type is kept in the database row; a file on disk has nowhere to hold it.
	async put(key: string, bytes: Uint8Array): Promise<void> {
		const path = this.pathOf(key);
		await mkdir(dirname(path), { recursive: true });
		// Write then rename, so a reader never sees half a file and a crash leaves only a stray temp file.
		const temp = `${path}.${randomUUID()}.part`;
		await writeFile(temp, bytes, { flag: 'wx', mode: 0o600 });
		await rename(temp, path);
	}

	async get(key: string): Promise<Uint8Array | null> {
		try {
			return new Uint8Array(await readFile(this.pathOf(key)));
		} catch (e) {
			if (isMissing(e)) return null;
			throw e;
		}
	}

	async open(key: string): Promise<StoredFile | null> {
		const path = this.pathOf(key);
		try {
			// Size from the open file, so a rename in between cannot make length and body disagree.
			const handle = await open(path, 'r');
			const { size } = await handle.stat();
			return { body: webStream(createReadStream(path, { fd: handle })), size };
		} catch (e) {
			if (isMissing(e)) return null;
			throw e;
		}
	}

	async remove(key: string): Promise<void> {
		await rm(this.pathOf(key), { force: true });
	}

	async check(): Promise<void> {
		try {
			await mkdir(this.root, { recursive: true });
			await access(this.root, constants.W_OK);
		} catch (e) {
			throw new FileStoreError('refused', `Cannot write patient documents under ${resolve(this.root)}: check DATA_DIR and its permissions`, { cause: e });
		}
	}

	private pathOf(key: string): string {
		assertStorageKey(key);
		const root = resolve(this.root);
		const path = resolve(root, key);
		if (!path.startsWith(root + sep)) throw new Error('Storage key escapes the store');
		return path;
	}
}

function isMissing(e: unknown): boolean {
	return typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT';
}

/** A file stream as the web stream a Response takes (Readable.toWeb's type is not the global one). */
function webStream(file: Readable): ReadableStream<Uint8Array> {
	const chunks: AsyncIterator<Buffer> = file[Symbol.asyncIterator]();
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			const next = await chunks.next();
			if (next.done) controller.close();
			else controller.enqueue(next.value);
		},
		async cancel() {
			file.destroy();
		}
	});
}
