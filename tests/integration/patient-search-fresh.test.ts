import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db';
import { makeClinic, makeMember, rand } from '../factories';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { searchPatients } from '../../src/lib/server/patients/queries';

describe('patient search on an embedded database on disk', () => {
	it('finds each patient the moment after registering them', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'tabeeb-search-'));
		const database = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dataDir: dir });
		try {
			const clinic = await makeClinic(database.db);
			const desk = await makeMember(database.db, clinic.id, 'reception');
			const ctx = { clinicId: clinic.id, actor: { userId: desk.id, role: 'reception' as const } };
			for (let i = 0; i < 40; i++) {
				const name = `Zubair ${rand(3)} Hashmi`;
				const result = await registerPatient(database.db, ctx, { name }, { allowDuplicate: true });
				if (result.status !== 'created') throw new Error('not created');
				const found = await searchPatients(database.db, clinic.id, name.split(' ').slice(0, 2).join(' '));
				expect(found.map((p) => p.id)).toContain(result.patient.id);
			}
		} finally {
			await database.close();
			rmSync(dir, { recursive: true, force: true });
		}
	}, 120_000);
});
