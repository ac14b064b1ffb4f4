import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { makeClinic, makeMember } from '../factories';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { searchPatients } from '../../src/lib/server/patients/queries';
import type { ClinicContext } from '../../src/lib/server/tenancy/members';
import type { Database } from '../../src/lib/server/db';

let database: Database;
let desk: ClinicContext;

beforeAll(async () => {
	database = await testDatabase();
	const clinic = await makeClinic(database.db);
	desk = { clinicId: clinic.id, actor: { userId: (await makeMember(database.db, clinic.id, 'reception')).id, role: 'reception' } };
});

describe('searchPatients by phone', () => {
	it('finds a number typed the way the desk says it: national with its 0, international, or its last digits', async () => {
		const result = await registerPatient(database.db, desk, { name: 'Bushra Cheema', phone: '0312 4567891', nationalId: '35202-7654321-9' }, { allowDuplicate: true });
		if (result.status !== 'created') throw new Error('expected a new record');
		const ids = async (q: string) => (await searchPatients(database.db, desk.clinicId, q)).map((p) => p.id);
		for (const q of ['0312 4567891', '03124567891', '+92 312 4567891', '4567891', '35202-7654321-9', 'Bushra Cheema', 'Bushra Cheemaa']) {
			expect(await ids(q), q).toContain(result.patient.id);
		}
		expect(await ids('0399 9999999')).not.toContain(result.patient.id);
	});
});
