import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { documentName } from '../../src/lib/sync/protocol';
import { connect, dayFromToday, eventually } from './harness';

type Ready = { port: number; seed: { clinicId: string; token: string } | null };

const dataDir = mkdtempSync(join(tmpdir(), 'tabeeb-sync-kill-'));
const children: ChildProcess[] = [];
afterAll(() => {
	for (const child of children) child.kill('SIGKILL');
	rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the sync server in a child process on this test's database (PGlite dir or PostgreSQL). */
function startProcess(seed: boolean): Promise<{ child: ChildProcess; ready: Ready }> {
	const child = spawn(process.execPath, ['--import', 'tsx', 'tests/sync/fixtures/sync-process.ts'], {
		env: { ...process.env, DATA_DIR: dataDir, SEED: seed ? '1' : '', LOG_LEVEL: 'warn', NODE_ENV: 'test' },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	children.push(child);
	return new Promise((resolve, reject) => {
		child.once('exit', (code) => reject(new Error(`sync process exited early (${code})`)));
		createInterface({ input: child.stdout! }).on('line', (line) => {
			if (line.startsWith('{"ready"')) resolve({ child, ready: JSON.parse(line) });
		});
	});
}

function killHard(child: ChildProcess): Promise<void> {
	return new Promise((resolve) => {
		child.removeAllListeners('exit');
		child.once('exit', () => resolve());
		child.kill('SIGKILL');
	});
}

describe('durability', () => {
	it('keeps an update the server accepted through kill -9, after every client that sent it has gone', async () => {
		const first = await startProcess(true);
		const { clinicId, token } = first.ready.seed!;
		const name = documentName.desk(clinicId, dayFromToday(1));
		const writer = connect(`ws://127.0.0.1:${first.ready.port}/sync`, name, { token, keepRetrying: true });
		expect(await writer.outcome).toBe('synced');
		writer.doc.getText('notes').insert(0, 'Token 14 needs a wheelchair');
		// The server acknowledges an update only after it is in the log.
		await eventually(
			() => writer.provider.unsyncedChanges,
			(n) => n === 0
		);
		// Killed before the client leaves, so no compaction on unload can have run: the log alone must hold it.
		await killHard(first.child);
		writer.destroy();

		const second = await startProcess(false);
		const reader = connect(`ws://127.0.0.1:${second.ready.port}/sync`, name, { token });
		expect(await reader.outcome).toBe('synced');
		expect(reader.doc.getText('notes').toString()).toBe('Token 14 needs a wheelchair');
		reader.destroy();
		await killHard(second.child);
	}, 90_000);
});
