import { mkdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FileStore } from './index';

/** Keys are `<clinicId>/<uuid>`: letters, digits, dashes and one slash, never a path of the caller's choosing. */
const KEY = /^[0-9a-z-]{1,64}(?:\/[0-9a-z-]{1,64})*$/;

/** Files under one root folder, one file per key. */
export class FilesystemStore implements FileStore {
	constructor(readonly root: string) {}

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

	async remove(key: string): Promise<void> {
		await rm(this.pathOf(key), { force: true });
	}

	private pathOf(key: string): string {
		if (!KEY.test(key)) throw new Error(`Invalid storage key ${JSON.stringify(key)}`);
		const root = resolve(this.root);
		const path = resolve(root, key);
		if (!path.startsWith(root + sep)) throw new Error('Storage key escapes the store');
		return path;
	}
}

function isMissing(e: unknown): boolean {
	return typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT';
}
