import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeMember, rand } from '../factories';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { mergePatients } from '../../src/lib/server/patients/mergePatients';
import {
	recordAllergy,
	recordCondition,
	recordMedication,
	removeAllergy,
	resolveCondition,
	setBloodGroup,
	stopMedication
} from '../../src/lib/server/patients/record';
import { listAllergies, listConditions, listMedications, readClinicalRecord } from '../../src/lib/server/patients/clinicalRecord';
import { patientAllergy, patientCondition, patientMedication } from '../../src/lib/server/db/schema/clinical';
import { patient } from '../../src/lib/server/db/schema/patients';
import { auditLog } from '../../src/lib/server/db/schema/audit';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';
import type { Role } from '../../src/lib/server/db/schema';

let database: Database;
const as: Record<Role, ClinicContext> = {} as Record<Role, ClinicContext>;
let otherClinicDoctor: ClinicContext;

beforeAll(async () => {
	database = await testDatabase();
	const clinic = await makeClinic(database.db);
	for (const role of ['admin', 'doctor', 'nurse', 'reception', 'pharmacist'] as const) {
		as[role] = { clinicId: clinic.id, actor: { userId: (await makeMember(database.db, clinic.id, role)).id, role } };
	}
	const other = await makeClinic(database.db);
	otherClinicDoctor = { clinicId: other.id, actor: { userId: (await makeMember(database.db, other.id, 'doctor')).id, role: 'doctor' } };
});

async function newPatient(name = `Patient ${rand(3)}`) {
	const result = await registerPatient(database.db, as.reception, { name }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('expected a new record');
	return result.patient.id;
}

const key = () => `key-${rand(6)}`;

describe('allergies', () => {
	it('a doctor records a severe allergy, with the class of medicine it names', async () => {
		const id = await newPatient();
		const allergy = await recordAllergy(database.db, as.doctor, id, { substance: 'Penicillin', reaction: 'Hives', severity: 'severe', idempotencyKey: key() });
		expect(allergy).toMatchObject({ substance: 'Penicillin', reaction: 'Hives', severity: 'severe', atcCode: 'J01C', recordedBy: as.doctor.actor.userId });
		const nurse = await recordAllergy(database.db, as.nurse, id, { substance: 'Peanuts', severity: 'mild', idempotencyKey: key() });
		expect(nurse).toMatchObject({ reaction: '', atcCode: null });
		const listed = await listAllergies(database.db, as.doctor, id);
		expect(listed.map((a) => a.substance)).toEqual(['Penicillin', 'Peanuts']);
	});

	it('lists the severe first', async () => {
		const id = await newPatient();
		await recordAllergy(database.db, as.doctor, id, { substance: 'Dust', severity: 'mild', idempotencyKey: key() });
		await recordAllergy(database.db, as.doctor, id, { substance: 'Ibuprofen', severity: 'severe', idempotencyKey: key() });
		expect((await listAllergies(database.db, as.nurse, id)).map((a) => [a.substance, a.atcCode])).toEqual([
			['Ibuprofen', 'M01AE01'],
			['Dust', null]
		]);
	});

	it('a retry with the same key records it once', async () => {
		const id = await newPatient();
		const k = key();
		const first = await recordAllergy(database.db, as.doctor, id, { substance: 'Sulfa drugs', severity: 'moderate', idempotencyKey: k });
		const again = await recordAllergy(database.db, as.doctor, id, { substance: 'Sulfa drugs', severity: 'moderate', idempotencyKey: k });
		expect(again.id).toBe(first.id);
		expect(await listAllergies(database.db, as.doctor, id)).toHaveLength(1);
	});

	it('removing one keeps the row, stamped, and lists it no more', async () => {
		const id = await newPatient();
		const allergy = await recordAllergy(database.db, as.doctor, id, { substance: 'Latex', severity: 'moderate', idempotencyKey: key() });
		await removeAllergy(database.db, as.nurse, id, allergy.id);
		expect(await listAllergies(database.db, as.doctor, id)).toEqual([]);
		const [row] = await database.db.select().from(patientAllergy).where(eq(patientAllergy.id, allergy.id));
		expect(row.removedBy).toBe(as.nurse.actor.userId);
		expect(row.removedAt).toBeInstanceOf(Date);
		await expect(removeAllergy(database.db, as.doctor, id, allergy.id)).rejects.toMatchObject({ status: 404, field: 'allergyId' });
	});

	it('refuses an empty substance, a bad severity and an unknown field, all at once, and records nothing', async () => {
		const id = await newPatient();
		const refusal = recordAllergy(database.db, as.doctor, id, { substance: '  ', severity: 'deadly', colour: 'red', idempotencyKey: key() });
		await expect(refusal).rejects.toMatchObject({
			status: 400,
			fields: expect.arrayContaining([
				expect.objectContaining({ field: 'substance', code: 'field_required' }),
				expect.objectContaining({ field: 'severity', code: 'choice_invalid' }),
				{ field: 'colour', code: 'field_invalid', params: {} }
			])
		});
		expect(await listAllergies(database.db, as.doctor, id)).toEqual([]);
	});

	it('needs an idempotency key', async () => {
		const id = await newPatient();
		await expect(recordAllergy(database.db, as.doctor, id, { substance: 'Aspirin', severity: 'mild' })).rejects.toMatchObject({
			code: 'idempotency_key_required'
		});
	});

	it('audits each change', async () => {
		const id = await newPatient();
		const allergy = await recordAllergy(database.db, as.doctor, id, { substance: 'Codeine', severity: 'severe', idempotencyKey: key() });
		await removeAllergy(database.db, as.doctor, id, allergy.id);
		const rows = await database.db
			.select({ action: auditLog.action, data: auditLog.data })
			.from(auditLog)
			.where(and(eq(auditLog.entityType, 'patient'), eq(auditLog.entityId, id)));
		expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['patient.allergy.record', 'patient.allergy.remove']));
	});
});

describe('who may read and write the clinical record', () => {
	it('pharmacists read it but never write; admins and reception do neither', async () => {
		const id = await newPatient();
		await recordAllergy(database.db, as.doctor, id, { substance: 'Penicillin', severity: 'severe', idempotencyKey: key() });
		expect(await listAllergies(database.db, as.pharmacist, id)).toHaveLength(1);
		for (const role of ['pharmacist', 'admin', 'reception'] as const) {
			await expect(recordAllergy(database.db, as[role], id, { substance: 'Dust', severity: 'mild', idempotencyKey: key() })).rejects.toMatchObject({
				status: 403
			});
			await expect(recordCondition(database.db, as[role], id, { name: 'Asthma', idempotencyKey: key() })).rejects.toMatchObject({ status: 403 });
			await expect(recordMedication(database.db, as[role], id, { name: 'Metformin', idempotencyKey: key() })).rejects.toMatchObject({ status: 403 });
			await expect(setBloodGroup(database.db, as[role], id, { bloodGroup: 'O+' })).rejects.toMatchObject({ status: 403 });
		}
		for (const role of ['admin', 'reception'] as const) {
			await expect(listAllergies(database.db, as[role], id)).rejects.toMatchObject({ status: 403 });
			await expect(readClinicalRecord(database.db, as[role], id)).rejects.toMatchObject({ status: 403 });
		}
		expect(await listAllergies(database.db, as.doctor, id)).toHaveLength(1);
	});

	it('another clinic’s doctor finds no such patient', async () => {
		const id = await newPatient();
		await expect(listAllergies(database.db, otherClinicDoctor, id)).rejects.toMatchObject({ status: 404 });
		await expect(recordAllergy(database.db, otherClinicDoctor, id, { substance: 'Dust', severity: 'mild', idempotencyKey: key() })).rejects.toMatchObject({
			status: 404
		});
	});

	it('a merged-away record takes no new entries', async () => {
		const survivor = await newPatient('Naveed Iqbal');
		const duplicate = await newPatient('Naveed Iqbaal');
		await mergePatients(database.db, as.reception, survivor, { mergeId: duplicate });
		await expect(recordAllergy(database.db, as.doctor, duplicate, { substance: 'Dust', severity: 'mild', idempotencyKey: key() })).rejects.toMatchObject({
			status: 409,
			code: 'patient_merged'
		});
	});
});

describe('conditions, medications and blood group', () => {
	it('records a condition with its ICD-10 code in the WHO spelling, and resolving keeps the row', async () => {
		const id = await newPatient();
		const condition = await recordCondition(database.db, as.doctor, id, { name: 'Type 2 diabetes', code: 'e119', since: '2019', idempotencyKey: key() });
		expect(condition).toMatchObject({ name: 'Type 2 diabetes', code: 'E11.9', since: '2019' });
		const uncoded = await recordCondition(database.db, as.nurse, id, { name: 'Back pain', code: '', idempotencyKey: key() });
		expect(uncoded.code).toBeNull();
		await resolveCondition(database.db, as.doctor, id, condition.id);
		expect((await listConditions(database.db, as.doctor, id)).map((c) => c.name)).toEqual(['Back pain']);
		const [row] = await database.db.select().from(patientCondition).where(eq(patientCondition.id, condition.id));
		expect(row.resolvedBy).toBe(as.doctor.actor.userId);
	});

	it('refuses a code that is not on the ICD-10 list, with its field', async () => {
		const id = await newPatient();
		await expect(recordCondition(database.db, as.doctor, id, { name: 'Something', code: 'Q99.99', idempotencyKey: key() })).rejects.toMatchObject({
			status: 400,
			fields: [{ field: 'code', code: 'icd10_code_unknown' }]
		});
	});

	it('records and stops a current medication', async () => {
		const id = await newPatient();
		const med = await recordMedication(database.db, as.nurse, id, { name: 'Metformin', dose: '500 mg twice a day', idempotencyKey: key() });
		expect((await listMedications(database.db, as.pharmacist, id)).map((m) => [m.name, m.dose])).toEqual([['Metformin', '500 mg twice a day']]);
		await stopMedication(database.db, as.doctor, id, med.id);
		expect(await listMedications(database.db, as.doctor, id)).toEqual([]);
		const [row] = await database.db.select().from(patientMedication).where(eq(patientMedication.id, med.id));
		expect(row.stoppedAt).toBeInstanceOf(Date);
		await expect(recordMedication(database.db, as.doctor, id, { name: '', idempotencyKey: key() })).rejects.toMatchObject({ fields: [{ field: 'name' }] });
	});

	it('sets and clears the blood group, refusing anything else', async () => {
		const id = await newPatient();
		await setBloodGroup(database.db, as.nurse, id, { bloodGroup: 'AB-' });
		expect((await readClinicalRecord(database.db, as.doctor, id)).bloodGroup).toBe('AB-');
		await expect(setBloodGroup(database.db, as.doctor, id, { bloodGroup: 'C+' })).rejects.toMatchObject({
			fields: [{ field: 'bloodGroup', code: 'choice_invalid' }]
		});
		await setBloodGroup(database.db, as.doctor, id, { bloodGroup: null });
		const [row] = await database.db.select({ bloodGroup: patient.bloodGroup }).from(patient).where(eq(patient.id, id));
		expect(row.bloodGroup).toBeNull();
	});

	it('reads the whole record with who recorded each entry', async () => {
		const id = await newPatient();
		await recordAllergy(database.db, as.doctor, id, { substance: 'Penicillin', severity: 'severe', idempotencyKey: key() });
		await recordCondition(database.db, as.doctor, id, { name: 'Asthma', code: 'J45.9', idempotencyKey: key() });
		const record = await readClinicalRecord(database.db, as.pharmacist, id);
		expect(record.allergies[0].recordedByName).toMatch(/^Person /);
		expect(record.conditions[0]).toMatchObject({ name: 'Asthma', code: 'J45.9' });
	});
});
