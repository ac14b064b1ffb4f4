import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * The data directory holds the whole database (PGlite writes its files world-writable) and the
 * patients' documents: it and everything in it belong to the server's user alone. Creates the
 * directory if needed and takes group and other permissions off anything that has them;
 * symbolic links are left alone (never followed). Returns how many entries it had to fix.
 * POSIX modes only: on Windows the directory keeps the permissions of where it was made.
 */
export function keepDataDirPrivate(dataDir: string): number {
	if (process.platform === 'win32') return 0;
	mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
	return makePrivate(dataDir);
}

function makePrivate(path: string): number {
	const stat = lstatSync(path);
	if (stat.isSymbolicLink()) return 0;
	const wanted = stat.isDirectory() ? DIR_MODE : FILE_MODE;
	let fixed = 0;
	if ((stat.mode & 0o777) !== wanted) {
		chmodSync(path, wanted);
		fixed++;
	}
	if (!stat.isDirectory()) return fixed;
	for (const entry of readdirSync(path)) fixed += makePrivate(join(path, entry));
	return fixed;
}
