import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { makeClinic, makeMember, rand } from '../factories';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { updatePatient } from '../../src/lib/server/patients/updatePatient';
import { mergePatients } from '../../src/lib/server/patients/mergePatients';
import { getPatient, searchPatients } from '../../src/lib/server/patients/queries';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

let database: Database;
let desk: ClinicContext;
let otherDesk: ClinicContext;
let clinicCode: string;

beforeAll(async () => {
	database = await testDatabase();
	const clinic = await makeClinic(database.db);
	clinicCode = clinic.code;
	const receptionist = await makeMember(database.db, clinic.id, 'reception');
	desk = { clinicId: clinic.id, actor: { userId: receptionist.id, role: 'reception' } };
	const other = await makeClinic(database.db);
	const otherReceptionist = await makeMember(database.db, other.id, 'reception');
	otherDesk = { clinicId: other.id, actor: { userId: otherReceptionist.id, role: 'reception' } };
});

async function register(input: Record<string, unknown>, ctx = desk) {
	const result = await registerPatient(database.db, ctx, input, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('expected a new record');
	return result;
}

describe('patient registry', () => {
	it('registers a patient with a clinic reference and a phone in international form', async () => {
		const result = await register({ name: 'Fatima Bibi', phone: '0300 1234567', sex: 'female', dateOfBirth: '1990-04-12', allergies: 'Penicillin' });
		expect(result.ref).toMatch(new RegExp(`^${clinicCode}-P\\d+$`));
		expect(result.patient.phone).toBe('+923001234567');
		const next = await register({ name: 'Ali Raza', age: 40 });
		expect(next.patient.refNo).toBe(result.patient.refNo + 1);
		expect(next.patient.dobEstimated).toBe(true);
		expect(next.patient.dateOfBirth).toMatch(/^\d{4}-07-01$/);
	});

	it('refuses bad input with the field named, and stores free text inertly', async () => {
		const bad: [Record<string, unknown>, string][] = [
			[{ name: '' }, 'name'],
			[{ name: 'x'.repeat(121) }, 'name'],
			[{ name: 'A', phone: '12' }, 'phone'],
			[{ name: 'A', dateOfBirth: '2999-01-01' }, 'dateOfBirth'],
			[{ name: 'A', sex: 'unknown' }, 'sex'],
			[{ name: 'A', email: 'nope' }, 'email'],
			[{ name: 'A', age: -3 }, 'age'],
			[{ name: 'A', role: 'admin' }, '']
		];
		for (const [input, field] of bad) {
			await expect(registerPatient(database.db, desk, input)).rejects.toMatchObject({ status: 400, ...(field ? { field } : {}) });
		}
		const injected = "Robert'); DROP TABLE patient;-- <script>alert(1)</script>";
		const stored = await register({ name: injected });
		expect((await getPatient(database.db, desk.clinicId, stored.patient.id))?.name).toBe(injected);
	});

	it('warns about a likely duplicate instead of creating it, unless confirmed', async () => {
		const phone = `0321${Math.floor(1000000 + Math.random() * 8999999)}`;
		await register({ name: 'Zainab Hussain', phone, dateOfBirth: '1985-02-01' });
		const samePhone = await registerPatient(database.db, desk, { name: 'Zainab Husain', phone });
		expect(samePhone.status).toBe('possible_duplicates');
		const sameBirth = await registerPatient(database.db, desk, { name: 'Zaynab Hussain', dateOfBirth: '1985-02-01' });
		expect(sameBirth.status).toBe('possible_duplicates');
		const confirmed = await registerPatient(database.db, desk, { name: 'Zainab Husain', phone }, { allowDuplicate: true });
		expect(confirmed.status).toBe('created');
	});

	it('finds patients by misspelt name, phone digits and reference, only in the own clinic', async () => {
		const unique = `Qasim${rand(2)}`;
		const created = await register({ name: `Muhammad ${unique} Khan`, phone: '0333 7654321' });
		await register({ name: `Muhammad ${unique} Khan` }, otherDesk);
		const byName = await searchPatients(database.db, desk.clinicId, `Mohammad ${unique} Kahn`);
		expect(byName.map((p) => p.id)).toContain(created.patient.id);
		expect(byName).toHaveLength(1);
		expect((await searchPatients(database.db, desk.clinicId, '7654321')).map((p) => p.id)).toContain(created.patient.id);
		expect((await searchPatients(database.db, desk.clinicId, created.ref))[0].id).toBe(created.patient.id);
		expect((await searchPatients(database.db, desk.clinicId, "%' OR 1=1 --")).length).toBe(0);
	});

	it('updates only the given fields', async () => {
		const created = await register({ name: 'Hassan Ali', allergies: 'Dust' });
		const updated = await updatePatient(database.db, desk, created.patient.id, { phone: '+92 300 1112223' });
		expect(updated.phone).toBe('+923001112223');
		expect(updated.allergies).toBe('Dust');
		await expect(updatePatient(database.db, otherDesk, created.patient.id, { name: 'X' })).rejects.toMatchObject({ status: 404 });
	});

	it('merges a duplicate into the survivor and explains what moved', async () => {
		const survivor = await register({ name: 'Omar Farooq', allergies: 'Sulfa' });
		const duplicate = await register({ name: 'Omer Farooq', phone: '0300 5556667', allergies: 'Latex' });
		const merged = await mergePatients(database.db, desk, survivor.patient.id, { mergeId: duplicate.patient.id, reason: 'same person' });
		expect(merged.moved).toMatchObject({ appointment: 0 });
		const after = await getPatient(database.db, desk.clinicId, survivor.patient.id);
		expect(after?.phone).toBe('+923005556667');
		expect(after?.allergies).toBe('Sulfa\nLatex');
		expect((await getPatient(database.db, desk.clinicId, duplicate.patient.id))?.mergedIntoId).toBe(survivor.patient.id);
		expect((await searchPatients(database.db, desk.clinicId, 'Omer Farooq')).map((p) => p.id)).not.toContain(duplicate.patient.id);
		await expect(mergePatients(database.db, desk, survivor.patient.id, { mergeId: duplicate.patient.id })).rejects.toMatchObject({ status: 409 });
		await expect(mergePatients(database.db, desk, survivor.patient.id, { mergeId: survivor.patient.id })).rejects.toMatchObject({ status: 400 });
	});
});
