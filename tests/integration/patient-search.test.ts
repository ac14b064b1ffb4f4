import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { makeClinic, makeMember, rand } from '../factories';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { searchPatients } from '../../src/lib/server/patients/queries';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

let database: Database;
let desk: ClinicContext;
let code: string;

beforeAll(async () => {
	database = await testDatabase();
	const clinic = await makeClinic(database.db);
	code = clinic.code;
	desk = { clinicId: clinic.id, actor: { userId: (await makeMember(database.db, clinic.id, 'reception')).id, role: 'reception' } };
});

describe('searchPatients by phone', () => {
	it('finds a number typed the way the desk says it: national with its 0, international, or its last digits', async () => {
		const result = await registerPatient(
			database.db,
			desk,
			{ name: 'Bushra Cheema', phone: '0312 4567891', nationalId: '35202-7654321-9' },
			{ allowDuplicate: true }
		);
		if (result.status !== 'created') throw new Error('expected a new record');
		const ids = async (q: string) => (await searchPatients(database.db, desk.clinicId, q)).map((p) => p.id);
		for (const q of ['0312 4567891', '03124567891', '+92 312 4567891', '4567891', '35202-7654321-9', 'Bushra Cheema', 'Bushra Cheemaa']) {
			expect(await ids(q), q).toContain(result.patient.id);
		}
		expect(await ids('0399 9999999')).not.toContain(result.patient.id);
	});
});

async function register(name: string, extra: Record<string, string> = {}) {
	const result = await registerPatient(database.db, desk, { name, ...extra }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('expected a new record');
	return result.patient;
}

const letters = () => rand(4).replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]);

describe('searchPatients by reference and ID', () => {
	it('answers a reference with its code or P, and a CNIC, with that one record', async () => {
		const patient = await register(`Iqra ${letters()} Niazi`, { nationalId: `${String(Date.now()).slice(-5)}-1234567-1` });
		for (const q of [`${code}-P${patient.refNo}`, `${code.toLowerCase()}-p${patient.refNo}`, `P${patient.refNo}`, `${code}-${patient.refNo}`]) {
			expect(
				(await searchPatients(database.db, desk.clinicId, q)).map((p) => p.id),
				q
			).toEqual([patient.id]);
		}
		expect((await searchPatients(database.db, desk.clinicId, patient.nationalId ?? '')).map((p) => p.id)).toEqual([patient.id]);
		expect(await searchPatients(database.db, desk.clinicId, `P${patient.refNo + 100_000}`)).toEqual([]);
	});
});

describe('searchPatients ranking', () => {
	it('puts the patient first when one word of the name has a slip, ahead of names that share only one word', async () => {
		const family = letters() + 'zai';
		const meant = await register(`Mehwish ${family}`);
		const sameFirst = await register(`Mehwish Gondal${letters()}`);
		const sameLast = await register(`Sadia ${family}`);
		const found = await searchPatients(database.db, desk.clinicId, `Mehwihs ${family}`);
		expect(found[0].id).toBe(meant.id);
		expect(found.map((p) => p.id)).toContain(sameLast.id);
		expect(found.map((p) => p.id)).not.toContain(sameFirst.id);
		expect(found[0].score).toBeGreaterThan(found[1].score);
	});

	it('finds a one-word name with a slip through the four letters it still shares', async () => {
		const tag = letters();
		const meant = await register(`Tariq${tag}`);
		const slip = `Tarqi${tag}`;
		expect((await searchPatients(database.db, desk.clinicId, slip)).map((p) => p.id)).toContain(meant.id);
	});
});
