import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeMember } from '../factories';
import { ctxOf, key, makePatient } from './queueScene';
import { openVisit } from '../../src/lib/server/visits/openVisit';
import { writeChart } from '../../src/lib/server/visits/writeChart';
import { completeVisit } from '../../src/lib/server/visits/completeVisit';
import { recordAllergy } from '../../src/lib/server/patients/record';
import { searchClinicMedicines } from '../../src/lib/server/pharmacy/medicines';
import { savePrescription } from '../../src/lib/server/prescribing/savePrescription';
import { createReferral, listReferrals } from '../../src/lib/server/referrals/referrals';
import { projectClinicPharmacy } from '../../src/lib/server/pharmacy/project';
import { completedVisits } from '../../src/lib/server/patients/timeline';
import { pharmacyContract } from '../../src/lib/sync/contracts/pharmacy';
import { prescription, prescriptionLine, visitDiagnosis } from '../../src/lib/server/db/schema';
import type { Database } from '../../src/lib/server/db';

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

const pharmacyDoc = async (clinicId: string) => pharmacyContract.parse(await projectClinicPharmacy(database.db, { type: 'pharmacy', clinicId })).prescriptions;

/**
 * The doctor's whole consultation across the domains that build it: the visit, the nurse's vitals,
 * the patient's allergy, a prescription that warns and is overridden, a referral, completion, and
 * the pharmacy's document receiving what was issued.
 */
describe('a consultation from start to pharmacy', () => {
	it('warns for amoxicillin on a penicillin allergy, keeps the override, and issues the prescription to the pharmacy on completion', async () => {
		const db = database.db;
		const home = await makeClinic(db);
		const [doctorUser, colleagueUser, nurseUser] = await Promise.all([
			makeMember(db, home.id, 'doctor'),
			makeMember(db, home.id, 'doctor'),
			makeMember(db, home.id, 'nurse')
		]);
		const doctor = ctxOf(home.id, doctorUser.id, 'doctor');
		const nurse = ctxOf(home.id, nurseUser.id, 'nurse');
		const patient = await makePatient(db, home.id);

		const visit = await openVisit(db, doctor, { patientId: patient.id, setting: 'clinic', idempotencyKey: key() });
		await recordAllergy(db, nurse, patient.id, { substance: 'Penicillin', reaction: 'Hives', severity: 'severe', idempotencyKey: key() });
		await writeChart(db, nurse, visit.id, { vitals: { systolic: 128, diastolic: 82, pulse: 88, temperature: 38.4 } });
		await writeChart(db, doctor, visit.id, { complaint: 'Sore throat', diagnoses: [{ code: 'J02.9', title: 'Acute pharyngitis, unspecified' }] });

		const [amoxicillin] = (await searchClinicMedicines(db, doctor, { q: 'amoxicillin' })).filter((m) => m.genericName.toLowerCase() === 'amoxicillin');
		const line = { medicineId: amoxicillin.id, dose: '1 capsule', frequency: '1+0+1', durationDays: 5 };
		const refused = await savePrescription(db, doctor, visit.id, { lines: [line], idempotencyKey: key() }).catch((e: unknown) => e);
		expect(refused).toMatchObject({ status: 422, code: 'prescription_warning' });
		const warningId = `allergy:${amoxicillin.id}`;
		const saved = await savePrescription(db, doctor, visit.id, {
			lines: [line],
			overrides: [{ warning: warningId, reason: 'Mild rash in childhood only; tolerated since' }],
			idempotencyKey: key()
		});
		expect(saved.lines).toHaveLength(1);
		expect(saved.lines[0].quantity).toBe(10);

		const referral = await createReferral(db, doctor, {
			patientId: patient.id,
			visitId: visit.id,
			toDoctorId: colleagueUser.id,
			note: 'ENT review',
			idempotencyKey: key()
		});
		expect((await listReferrals(db, ctxOf(home.id, colleagueUser.id, 'doctor'), { to: 'me' })).map((r) => r.id)).toContain(referral.id);

		expect(await pharmacyDoc(home.id)).toEqual([]);
		await expect(completeVisit(db, nurse, visit.id, { idempotencyKey: key() })).rejects.toMatchObject({ status: 403 });
		const completed = await completeVisit(db, doctor, visit.id, { idempotencyKey: key() });
		expect(completed.status).toBe('completed');
		expect(await db.select().from(visitDiagnosis).where(eq(visitDiagnosis.visitId, visit.id))).toEqual([
			expect.objectContaining({ code: 'J02.9', title: 'Acute pharyngitis, unspecified' })
		]);

		const [issued] = await pharmacyDoc(home.id);
		expect(issued).toMatchObject({
			visitId: visit.id,
			patientId: patient.id,
			status: 'waiting',
			lines: [expect.objectContaining({ genericName: amoxicillin.genericName, quantity: 10 })]
		});
		// The patient's timeline shows the visit with what was prescribed.
		const [onTimeline] = await completedVisits(db, nurse, patient.id);
		expect(onTimeline).toMatchObject({
			id: visit.id,
			medicines: [{ name: expect.stringContaining(amoxicillin.genericName), frequency: '1+0+1', durationDays: 5 }]
		});
		const [row] = await db.select().from(prescription).where(eq(prescription.visitId, visit.id));
		expect(row.issuedAt).not.toBeNull();
		// What was issued is what the pharmacy dispenses: the lines cannot change any more.
		await expect(db.update(prescriptionLine).set({ quantity: 20 }).where(eq(prescriptionLine.prescriptionId, row.id))).rejects.toThrow();
		await expect(
			savePrescription(db, doctor, visit.id, { lines: [line], overrides: [{ warning: warningId, reason: 'x' }], idempotencyKey: key() })
		).rejects.toMatchObject({
			status: 409
		});
	});
});
