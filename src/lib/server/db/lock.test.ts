import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { lockDataDir } from './index';

describe('data directory lock', () => {
	it('refuses a data directory that another live process holds', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'tabeeb-lock-'));
		const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
		try {
			writeFileSync(join(dir, 'tabeeb.lock'), String(other.pid));
			expect(() => lockDataDir(dir)).toThrow(/in use by another Tabeeb process/);
		} finally {
			other.kill();
		}
	});

	it('takes over a lock left by a process that is gone, and releases it', () => {
		const dir = mkdtempSync(join(tmpdir(), 'tabeeb-lock-'));
		writeFileSync(join(dir, 'tabeeb.lock'), '999999999');
		const release = lockDataDir(dir);
		expect(readFileSync(join(dir, 'tabeeb.lock'), 'utf8')).toBe(String(process.pid));
		release();
		expect(() => readFileSync(join(dir, 'tabeeb.lock'))).toThrow();
	});
});
