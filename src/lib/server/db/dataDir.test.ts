import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepDataDirPrivate } from './dataDir';
import { openDatabase } from './index';

const mode = (path: string) => lstatSync(path).mode & 0o777;

/** Every entry under `dir` that someone other than its owner may read, write or enter. */
function notPrivate(dir: string): string[] {
	const open: string[] = [];
	const visit = (path: string) => {
		const stat = lstatSync(path);
		if (stat.isSymbolicLink()) return;
		if ((stat.mode & 0o077) !== 0) open.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
		if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
	};
	visit(dir);
	return open;
}

describe.skipIf(process.platform === 'win32')('the data directory belongs to the server user alone', () => {
	it('takes group and other permissions off the directory and everything in it, at any depth', () => {
		const dir = mkdtempSync(join(tmpdir(), 'tabeeb-modes-'));
		chmodSync(dir, 0o777);
		mkdirSync(join(dir, 'base', '1'), { recursive: true });
		chmodSync(join(dir, 'base'), 0o755);
		writeFileSync(join(dir, 'base', '1', '1259'), 'x');
		chmodSync(join(dir, 'base', '1', '1259'), 0o666);
		writeFileSync(join(dir, 'PG_VERSION'), '16');
		chmodSync(join(dir, 'PG_VERSION'), 0o644);

		expect(keepDataDirPrivate(dir)).toBe(5);
		expect([mode(dir), mode(join(dir, 'base')), mode(join(dir, 'base', '1'))]).toEqual([0o700, 0o700, 0o700]);
		expect([mode(join(dir, 'base', '1', '1259')), mode(join(dir, 'PG_VERSION'))]).toEqual([0o600, 0o600]);
		expect(keepDataDirPrivate(dir)).toBe(0);
	});

	it('never follows a symbolic link out of the directory', () => {
		const dir = mkdtempSync(join(tmpdir(), 'tabeeb-modes-'));
		const outside = join(mkdtempSync(join(tmpdir(), 'tabeeb-outside-')), 'shared.txt');
		writeFileSync(outside, 'x');
		chmodSync(outside, 0o644);
		symlinkSync(outside, join(dir, 'link'));
		keepDataDirPrivate(dir);
		expect(statSync(outside).mode & 0o777).toBe(0o644);
	});

	it('creates a missing data directory private', () => {
		const dir = join(mkdtempSync(join(tmpdir(), 'tabeeb-modes-')), 'data', 'nested');
		keepDataDirPrivate(dir);
		expect(mode(dir)).toBe(0o700);
	});

	it('leaves nothing of a new embedded database open to other users, and fixes an existing one when it opens', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'tabeeb-modes-'));
		const first = await openDatabase({ dataDir: dir });
		await first.close();
		expect(notPrivate(dir)).toEqual([]);

		chmodSync(dir, 0o777);
		chmodSync(join(dir, 'PG_VERSION'), 0o666);
		const again = await openDatabase({ dataDir: dir });
		await again.close();
		expect(notPrivate(dir)).toEqual([]);
	}, 120_000);
});
