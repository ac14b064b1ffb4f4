import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { adminQuery } from './http';

/** Starts the built app on a data directory (or database) of the test's choosing, as `npm start` would. */
async function start(env: Record<string, string>, port: number): Promise<ChildProcess> {
	const serverJs = join(resolve(process.env.TABEEB_BUILD_DIR ?? 'build'), 'tabeeb-server.js');
	const child = spawn(process.execPath, [serverJs], {
		env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), ORIGIN: `http://127.0.0.1:${port}`, LOG_LEVEL: 'warn', ...env },
		stdio: 'ignore'
	});
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}`);
		const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
			(r) => r.ok,
			() => false
		);
		if (ok) return child;
		await new Promise((r) => setTimeout(r, 150));
	}
	child.kill('SIGKILL');
	throw new Error('app did not start');
}

const stop = (child: ChildProcess) =>
	new Promise<void>((done) => {
		if (child.exitCode !== null) return done();
		child.once('exit', () => done());
		child.kill('SIGTERM');
	});

const dataDir = mkdtempSync(join(tmpdir(), 'tabeeb-restart-'));
const dbName = `tabeeb_restart_${randomBytes(5).toString('hex')}`;
const base = process.env.DATABASE_URL;

afterAll(async () => {
	rmSync(dataDir, { recursive: true, force: true });
	if (base) await adminQuery(base, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
});

describe('a restart', () => {
	it('keeps the installation: setup stays closed and the admin signs in again', async () => {
		let env: Record<string, string> = { DATA_DIR: dataDir, DATABASE_URL: '' };
		if (base) {
			await adminQuery(base, `CREATE DATABASE ${dbName}`);
			const url = new URL(base);
			url.pathname = `/${dbName}`;
			env = { DATA_DIR: dataDir, DATABASE_URL: url.toString() };
		}
		const port = 20_000 + Math.floor(Math.random() * 20_000);
		const body = {
			clinic: { name: 'Restart Clinic', code: 'RST01', country: 'PK', city: 'Lahore', timezone: 'Asia/Karachi', currency: 'PKR' },
			admin: { name: 'Rida', email: 'rida@example.test', password: 'restart password 1' }
		};
		const first = await start(env, port);
		try {
			const res = await fetch(`http://127.0.0.1:${port}/api/v1/setup`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
			expect(res.status).toBe(201);
		} finally {
			await stop(first);
		}
		const second = await start(env, port);
		try {
			const again = await fetch(`http://127.0.0.1:${port}/api/v1/setup`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
			expect(again.status).toBe(409);
			const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ email: body.admin.email, password: body.admin.password })
			});
			expect(login.status).toBe(200);
		} finally {
			await stop(second);
		}
	}, 120_000);
});
