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
	it('fills an empty installation with two clinics, every role, hundreds of patients and a working day (hours, bookings, a queue, a kiosk), and refuses a second run', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'tabeeb-demo-'));
		const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'test', PORT: '4987', ORIGIN: '' };
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
			// A working day to look at: records (some linked to the demo accounts), hours, bookings, a queue and a kiosk.
			const perClinic = await database.query<{
				code: string;
				records: number;
				linked: number;
				rooms: number;
				appointments: number;
				tokens: number;
				keys: number;
				hours: number;
				weekdays: number;
				seen: number;
			}>(
				`SELECT c.code,
				        (SELECT count(*)::int FROM patient p WHERE p.clinic_id = c.id) AS records,
				        (SELECT count(*)::int FROM patient p WHERE p.clinic_id = c.id AND p.user_id IS NOT NULL) AS linked,
				        (SELECT count(*)::int FROM room r WHERE r.clinic_id = c.id) AS rooms,
				        (SELECT count(*)::int FROM appointment a WHERE a.clinic_id = c.id) AS appointments,
				        (SELECT count(*)::int FROM queue_token t WHERE t.clinic_id = c.id) AS tokens,
				        (SELECT count(*)::int FROM display_key k WHERE k.clinic_id = c.id) AS keys,
				        (SELECT count(*)::int FROM availability_template w WHERE w.clinic_id = c.id) AS hours,
				        (SELECT count(DISTINCT w.weekday)::int FROM availability_template w WHERE w.clinic_id = c.id) AS weekdays,
				        (SELECT count(*)::int FROM queue_token t WHERE t.clinic_id = c.id AND t.status = 'with_doctor') AS seen
				   FROM clinic c ORDER BY c.code`
			);
			for (const row of perClinic) {
				expect(row).toMatchObject({ records: 60, linked: 10, rooms: 3, keys: 1 });
				expect(row.appointments).toBeGreaterThan(0);
				expect(row.tokens).toBeGreaterThanOrEqual(2);
				expect(row.hours).toBeGreaterThan(0);
				// Open whatever day the demo runs, with somebody already with a doctor.
				expect(row.weekdays).toBe(7);
				expect(row.seen).toBeGreaterThanOrEqual(1);
			}
			// The links name the port the server will be started on.
			expect(stdout).toMatch(/http:\/\/localhost:4987\/kiosk\/[a-z0-9]{20,}/);
			expect(stdout).toContain('http://localhost:4987/login');
			const [admin] = await database.query<{ password_hash: string }>(`SELECT password_hash FROM app_user WHERE email = 'admin@demo.tabeeb'`);
			expect(await verifyPasswordHash(admin.password_hash, 'tabeeb-demo-2026')).toBe(true);
		} finally {
			await database.close();
		}
	}, 90_000);
});
