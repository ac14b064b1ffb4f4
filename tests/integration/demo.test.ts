import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db';
import { verifyPasswordHash } from '../../src/lib/server/auth/password';

const run = promisify(execFile);

describe('npm run demo', () => {
	it('fills an empty installation with two clinics, every role and hundreds of patients, and refuses a second run', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'tabeeb-demo-'));
		const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'test' };
		const { stdout } = await run(process.execPath, ['scripts/run-ts.mjs', 'scripts/demo.ts'], { env });
		expect(stdout).toContain('admin@demo.tabeeb');
		expect(stdout).toContain('tabeeb-demo-2026');

		await expect(run(process.execPath, ['scripts/run-ts.mjs', 'scripts/demo.ts'], { env })).rejects.toMatchObject({
			stderr: expect.stringContaining('already set up')
		});

		const database = await openDatabase({ dataDir });
		try {
			const clinics = await database.query<{ code: string }>('SELECT code FROM clinic ORDER BY code');
			expect(clinics.map((c) => c.code)).toEqual(['KTM01', 'LHR01']);
			const roles = await database.query<{ role: string }>('SELECT DISTINCT role::text AS role FROM membership ORDER BY 1');
			expect(roles.map((r) => r.role)).toEqual(['admin', 'doctor', 'pharmacist', 'reception']);
			const [patients] = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM app_user WHERE kind = 'patient'`);
			expect(patients.n).toBeGreaterThanOrEqual(200);
			const [admin] = await database.query<{ password_hash: string }>(`SELECT password_hash FROM app_user WHERE email = 'admin@demo.tabeeb'`);
			expect(await verifyPasswordHash(admin.password_hash, 'tabeeb-demo-2026')).toBe(true);
		} finally {
			await database.close();
		}
	}, 90_000);
});
