import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { makeClinic, makeMember } from '../factories';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { updatePatient } from '../../src/lib/server/patients/updatePatient';
import { correctionInput, formOf, registrationInput } from '../../src/routes/(staff)/[clinic]/patients/forms';
import { clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

let database: Database;
let desk: ClinicContext;
const today = clinicToday('Asia/Karachi');

beforeAll(async () => {
	database = await testDatabase();
	const clinic = await makeClinic(database.db);
	desk = { clinicId: clinic.id, actor: { userId: (await makeMember(database.db, clinic.id, 'reception')).id, role: 'reception' } };
});

async function register(input: Record<string, unknown>) {
	const result = await registerPatient(database.db, desk, input, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('expected a new record');
	return result.patient;
}

describe('correcting a record from the form', () => {
	it('registers from a form where empty boxes mean “not given”', async () => {
		const input = registrationInput({ name: 'Sadia Noor', phone: '', email: '', age: '', dateOfBirth: '', sex: '', formKey: 'x', allowDuplicate: 'true' });
		expect(input).toEqual({ name: 'Sadia Noor' });
		expect((await register(input)).dateOfBirth).toBeNull();
	});

	it('empties optional fields that were cleared, and leaves the rest', async () => {
		const p = await register({
			name: 'Rubina Shah',
			phone: '0300 7778889',
			email: 'r@example.test',
			nationalId: '35202-1234567-1',
			sex: 'female',
			dateOfBirth: '1980-05-05'
		});
		const values = { ...formOf(p, today), phone: '', email: '', nationalId: '', sex: '', dateOfBirth: '' };
		const after = await updatePatient(database.db, desk, p.id, correctionInput(values, p, today));
		expect(after).toMatchObject({ phone: null, email: null, nationalId: null, sex: null, dateOfBirth: null, dobEstimated: false, name: 'Rubina Shah' });
	});

	it('saving an untouched record with an estimated birth date does not move it', async () => {
		const p = await register({ name: 'Kareem Baig', age: 61 });
		const after = await updatePatient(database.db, desk, p.id, correctionInput(formOf(p, today), p, today));
		expect({ dateOfBirth: after.dateOfBirth, dobEstimated: after.dobEstimated }).toEqual({ dateOfBirth: p.dateOfBirth, dobEstimated: true });
		const older = await updatePatient(database.db, desk, p.id, correctionInput({ ...formOf(p, today), age: '70' }, p, today));
		expect(older.dateOfBirth).toBe(`${Number(today.slice(0, 4)) - 70}-07-01`);
		const exact = await updatePatient(database.db, desk, p.id, correctionInput({ ...formOf(older, today), age: '', dateOfBirth: '1955-01-20' }, older, today));
		expect(exact).toMatchObject({ dateOfBirth: '1955-01-20', dobEstimated: false });
	});

	it('refuses a bad value in a correction and keeps the record', async () => {
		const p = await register({ name: 'Tariq Awan', phone: '0300 1231231' });
		await expect(updatePatient(database.db, desk, p.id, correctionInput({ ...formOf(p, today), phone: 'not a phone' }, p, today))).rejects.toMatchObject({
			status: 400,
			field: 'phone'
		});
		await expect(updatePatient(database.db, desk, p.id, { name: null })).rejects.toMatchObject({ status: 400, field: 'name' });
	});
});
