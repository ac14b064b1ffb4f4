import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { medicine, membership, patientAllergy, prescription, prescriptionLine, prescriptionOverride, visit } from '../../src/lib/server/db/schema';
import type { Db } from '../../src/lib/server/db';
import { addMedicine, ensureCatalogue, searchClinicMedicines } from '../../src/lib/server/pharmacy/medicines';
import { copyCatalogue, importMedicinesCsv } from '../../src/lib/server/pharmacy/catalogueTransfer';
import { savePrescription } from '../../src/lib/server/prescribing/savePrescription';
import { visitPrescription } from '../../src/lib/server/prescribing/prescription';
import { receiveBatch } from '../../src/lib/server/pharmacy/stock';
import { starterMedicines } from '../../src/lib/server/pharmacy/catalogue';
import { testDatabase } from '../db';
import { makeClinic, makeMember } from '../factories';
import { ctxOf, key, makePatient, nextRefNo } from './queueScene';

let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

async function scene() {
	const home = await makeClinic(db);
	const [admin, doctor, otherDoctor, nurse, desk, pharmacist] = await Promise.all([
		makeMember(db, home.id, 'admin'),
		makeMember(db, home.id, 'doctor'),
		makeMember(db, home.id, 'doctor'),
		makeMember(db, home.id, 'nurse'),
		makeMember(db, home.id, 'reception'),
		makeMember(db, home.id, 'pharmacist')
	]);
	const patient = await makePatient(db, home.id);
	const [open] = await db
		.insert(visit)
		.values({ clinicId: home.id, refNo: nextRefNo(home.id), patientId: patient.id, doctorId: doctor.id })
		.returning();
	return {
		home,
		patient,
		visit: open,
		admin: ctxOf(home.id, admin.id, 'admin'),
		doctor: ctxOf(home.id, doctor.id, 'doctor'),
		otherDoctor: ctxOf(home.id, otherDoctor.id, 'doctor'),
		nurse: ctxOf(home.id, nurse.id, 'nurse'),
		desk: ctxOf(home.id, desk.id, 'reception'),
		pharmacist: ctxOf(home.id, pharmacist.id, 'pharmacist')
	};
}

async function findMedicine(clinicId: string, genericName: string, form: string, strength: string) {
	const [row] = await db
		.select()
		.from(medicine)
		.where(and(eq(medicine.clinicId, clinicId), eq(medicine.genericName, genericName), eq(medicine.form, form), eq(medicine.strength, strength)));
	return row;
}

describe('the clinic’s medicine catalogue', () => {
	it('starts as the WHO list, seeded once even when two requests seed it at the same time', async () => {
		const s = await scene();
		await Promise.all([ensureCatalogue(db, s.home.id), ensureCatalogue(db, s.home.id), searchClinicMedicines(db, s.desk, { q: 'para' })]);
		const [{ count }] = await db
			.select({ count: sql<number>`count(*)::int` })
			.from(medicine)
			.where(eq(medicine.clinicId, s.home.id));
		expect(count).toBe(starterMedicines().length);
	});

	it('lists the exact generic name first, then names beginning with it, then brand names', async () => {
		const s = await scene();
		await addMedicine(db, s.doctor, { genericName: 'Amoxil-like', form: 'capsule', strength: '250 mg', route: 'oral', brandNames: ['Amoxycare'] });
		await addMedicine(db, s.doctor, { genericName: 'cefiximox', form: 'capsule', strength: '400 mg', route: 'oral', brandNames: ['Amoxtra'] });
		const results = await searchClinicMedicines(db, s.pharmacist, { q: 'Amox' });
		const names = results.map((r) => r.genericName);
		expect(names.indexOf('amoxicillin')).toBeLessThan(names.indexOf('cefiximox'));
		expect(names.at(-1)).toBe('cefiximox');
		const exact = await searchClinicMedicines(db, s.nurse, { q: 'amoxicillin' });
		expect(exact[0].genericName).toBe('amoxicillin');
		expect(exact.findIndex((r) => r.genericName !== 'amoxicillin')).toBeGreaterThan(0);
		expect(await searchClinicMedicines(db, s.desk, { q: '  ' })).toEqual([]);
		expect(await searchClinicMedicines(db, s.desk, { q: '100%_' })).toEqual([]);
	});

	it('adds a medicine for admins and doctors, refuses a duplicate with its field, and refuses bad input', async () => {
		const s = await scene();
		const added = await addMedicine(db, s.admin, { genericName: 'Levocetirizine', form: 'tablet', strength: '5 mg', route: 'oral', atcCode: 'r06ae09' });
		expect(added).toMatchObject({ genericName: 'Levocetirizine', atcCode: 'R06AE09', source: 'clinic' });
		await expect(addMedicine(db, s.doctor, { genericName: 'levocetirizine', form: 'tablet', strength: '5 mg', route: 'oral' })).rejects.toMatchObject({
			status: 409,
			code: 'medicine_exists',
			field: 'genericName'
		});
		await expect(addMedicine(db, s.desk, { genericName: 'X', form: 'tablet', strength: '1 mg', route: 'oral' })).rejects.toMatchObject({ status: 403 });
		const bad = addMedicine(db, s.admin, { genericName: '', form: 'pill', strength: '1 mg', route: 'oral', atcCode: 'XYZ' });
		await expect(bad).rejects.toMatchObject({ status: 400 });
		const fields = await bad.then(
			() => [],
			(e: { fields: { field: string; code: string }[] }) => e.fields.map((f) => [f.field, f.code])
		);
		expect(fields).toEqual([
			['genericName', 'field_required'],
			['form', 'choice_invalid'],
			['atcCode', 'atc_code_invalid']
		]);
	});

	it('imports a CSV all or nothing, naming each bad row, and skips rows the catalogue has', async () => {
		const s = await scene();
		const bad = 'genericName,form,strength,route,atc\nfexofenadine,tablet,120 mg,oral,R06AX26\nthing,pill,1 mg,oral,R06AX26\n,tablet,1 mg,oral,BAD\n';
		const refused = await importMedicinesCsv(db, s.admin, { csv: bad }).catch((e: { code: string; fields: { field: string }[] }) => e);
		expect(refused).toMatchObject({ code: 'csv_invalid' });
		expect((refused as { fields: { field: string }[] }).fields.map((f) => f.field)).toEqual(['line.3.form', 'line.4.genericName', 'line.4.atc']);
		expect(await findMedicine(s.home.id, 'fexofenadine', 'tablet', '120 mg')).toBeUndefined();

		const good = 'genericName,form,strength,route,atc\nfexofenadine,tablet,120 mg,oral,R06AX26\nMetformin,tablet,500 mg,oral,A10BA02\n';
		const result = await importMedicinesCsv(db, s.admin, { csv: good });
		expect(result).toMatchObject({ imported: 1, dropped: 0, skipped: [{ line: 3, genericName: 'Metformin', form: 'tablet', strength: '500 mg' }] });
		expect(await findMedicine(s.home.id, 'fexofenadine', 'tablet', '120 mg')).toMatchObject({ source: 'import' });
		await expect(importMedicinesCsv(db, s.doctor, { csv: good })).rejects.toMatchObject({ status: 403 });
	});

	it('copies the catalogue to a branch the same admin runs, and refuses a clinic they do not administer', async () => {
		const s = await scene();
		await addMedicine(db, s.admin, { genericName: 'Branch special', form: 'tablet', strength: '1 mg', route: 'oral', brandNames: ['Specio'] });
		const branch = await makeClinic(db);
		await db.insert(membership).values({ clinicId: branch.id, userId: s.admin.actor.userId, role: 'admin' });
		const copied = await copyCatalogue(db, s.admin, { toClinic: branch.code });
		expect(copied).toMatchObject({ toClinicId: branch.id, copied: 1 });
		expect(await findMedicine(branch.id, 'Branch special', 'tablet', '1 mg')).toMatchObject({ source: 'copy', brandNames: ['Specio'] });
		expect(await copyCatalogue(db, s.admin, { toClinic: branch.code })).toMatchObject({ copied: 0 });
		const stranger = await makeClinic(db);
		await expect(copyCatalogue(db, s.admin, { toClinic: stranger.code })).rejects.toMatchObject({ status: 404 });
		const asDoctor = await makeClinic(db);
		await db.insert(membership).values({ clinicId: asDoctor.id, userId: s.admin.actor.userId, role: 'doctor' });
		await expect(copyCatalogue(db, s.admin, { toClinic: asDoctor.code })).rejects.toMatchObject({ status: 403, field: 'toClinic' });
	});
});

describe('a visit’s prescription', () => {
	async function withCatalogue() {
		const s = await scene();
		await ensureCatalogue(db, s.home.id);
		const amoxicillin = await findMedicine(s.home.id, 'amoxicillin', 'tablet', '500 mg');
		const metformin = await findMedicine(s.home.id, 'metformin', 'tablet', '500 mg');
		const warfarin = await findMedicine(s.home.id, 'warfarin', 'tablet', '5 mg');
		const ibuprofen = await findMedicine(s.home.id, 'ibuprofen', 'tablet', '400 mg');
		return { ...s, amoxicillin, metformin, warfarin, ibuprofen };
	}
	const line = (medicineId: string, extra: Record<string, unknown> = {}) => ({ medicineId, dose: '1 tablet', frequency: '1+0+1', durationDays: 5, ...extra });

	it('saves the lines with computed quantity and Urdu instructions, and replaces them on the next save', async () => {
		const s = await withCatalogue();
		const saved = await savePrescription(db, s.doctor, s.visit.id, {
			lines: [line(s.metformin.id), line(s.amoxicillin.id, { dose: '500 mg', frequency: 'TDS', quantity: 20 })],
			idempotencyKey: key()
		});
		expect(saved.lines).toMatchObject([
			{ medicineId: s.metformin.id, frequency: '1+0+1', quantity: 10, route: 'oral', instructionsUr: 'صبح 1 گولی، رات 1 گولی، 5 دن تک' },
			{ medicineId: s.amoxicillin.id, quantity: 20, instructions: '500 mg three times a day for 5 days' }
		]);
		expect(saved.warnings).toEqual([]);
		const again = await savePrescription(db, s.doctor, s.visit.id, { lines: [line(s.metformin.id, { frequency: 'sos', quantity: 6 })], idempotencyKey: key() });
		expect(again.id).toBe(saved.id);
		expect(again.lines).toMatchObject([{ frequency: 'SOS', quantity: 6 }]);
		expect(await visitPrescription(db, s.pharmacist, s.visit.id)).toMatchObject({ id: saved.id, lines: [{ frequency: 'SOS' }] });
	});

	it('shows the prescriber what is in stock, out of stock, and keeps the urgent mark', async () => {
		const s = await withCatalogue();
		await receiveBatch(db, s.pharmacist, s.metformin.id, { batchNumber: 'MET1', expiry: '2099-12-31', quantity: 40, costPrice: 10, salePrice: 20 });
		await receiveBatch(db, s.pharmacist, s.amoxicillin.id, {
			batchNumber: 'OLD',
			expiry: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10),
			quantity: 40,
			costPrice: 10,
			salePrice: 20
		});
		const saved = await savePrescription(db, s.doctor, s.visit.id, {
			lines: [line(s.metformin.id), line(s.amoxicillin.id)],
			urgent: true,
			idempotencyKey: key()
		});
		// Amoxicillin's only batch expires within the 30 days the clinic keeps back: out of stock for a prescription.
		expect(saved.lines.map((l) => l.inStock)).toEqual([40, 0]);
		expect(saved.urgent).toBe(true);
		expect(await visitPrescription(db, s.pharmacist, s.visit.id)).toMatchObject({ urgent: true });
		const [row] = await db.select().from(prescription).where(eq(prescription.id, saved.id!));
		expect(row.urgent).toBe(true);
		const unmarked = await savePrescription(db, s.doctor, s.visit.id, { lines: [line(s.metformin.id)], idempotencyKey: key() });
		expect(unmarked.urgent).toBe(false);
	});

	it('warns for a penicillin allergy when amoxicillin is prescribed, saves nothing until overridden, and keeps the reason', async () => {
		const s = await withCatalogue();
		await db.insert(patientAllergy).values({
			clinicId: s.home.id,
			patientId: s.patient.id,
			substance: 'Penicillin',
			atcCode: 'J01C',
			severity: 'severe',
			recordedBy: s.doctor.actor.userId
		});
		const input = { lines: [line(s.amoxicillin.id)], idempotencyKey: key() };
		const refused = await savePrescription(db, s.doctor, s.visit.id, input).catch((e: { status: number; code: string; lists: unknown }) => e);
		expect(refused).toMatchObject({ status: 422, code: 'prescription_warning', lists: { warnings: [{ id: `allergy:${s.amoxicillin.id}`, kind: 'allergy' }] } });
		expect(await db.select().from(prescription).where(eq(prescription.visitId, s.visit.id))).toEqual([]);

		const saved = await savePrescription(db, s.doctor, s.visit.id, {
			...input,
			idempotencyKey: key(),
			overrides: [{ warning: `allergy:${s.amoxicillin.id}`, reason: 'Tolerated amoxicillin last year; rash only' }]
		});
		expect(saved.warnings).toMatchObject([{ id: `allergy:${s.amoxicillin.id}`, override: { reason: 'Tolerated amoxicillin last year; rash only' } }]);
		const kept = await db
			.select()
			.from(prescriptionOverride)
			.where(eq(prescriptionOverride.prescriptionId, saved.id ?? ''));
		expect(kept).toMatchObject([{ kind: 'allergy', reason: 'Tolerated amoxicillin last year; rash only' }]);
		// The same content again: the kept override still answers for its warning.
		await expect(savePrescription(db, s.doctor, s.visit.id, { ...input, idempotencyKey: key() })).resolves.toMatchObject({
			lines: [{ medicineId: s.amoxicillin.id }]
		});
	});

	it('warns for the same medicine twice and for a shipped interaction', async () => {
		const s = await withCatalogue();
		const refused = await savePrescription(db, s.doctor, s.visit.id, {
			lines: [
				line(s.metformin.id),
				line(s.metformin.id),
				line(s.warfarin.id, { dose: '5 mg', quantity: 10 }),
				line(s.ibuprofen.id, { dose: '400 mg', quantity: 10 })
			],
			idempotencyKey: key()
		}).catch((e: { lists: { warnings: { id: string }[] } }) => e.lists.warnings.map((w) => w.id));
		const pair = [s.warfarin.id, s.ibuprofen.id].sort();
		expect(refused).toEqual([`duplicate:${s.metformin.id}`, `interaction:${pair[0]}:${pair[1]}`]);
	});

	it('answers a retry with the first response and refuses a missing key', async () => {
		const s = await withCatalogue();
		const input = { lines: [line(s.metformin.id)], idempotencyKey: key() };
		const first = await savePrescription(db, s.doctor, s.visit.id, input);
		expect(await savePrescription(db, s.doctor, s.visit.id, input)).toEqual(first);
		await expect(savePrescription(db, s.doctor, s.visit.id, { lines: [] })).rejects.toMatchObject({ code: 'idempotency_key_required' });
	});

	it('lets only the visit’s doctor write it, and refuses bad lines with their fields', async () => {
		const s = await withCatalogue();
		const input = { lines: [line(s.metformin.id)], idempotencyKey: key() };
		for (const ctx of [s.otherDoctor, s.nurse, s.admin, s.desk, s.pharmacist])
			await expect(savePrescription(db, ctx, s.visit.id, input)).rejects.toMatchObject({ status: 403 });
		await expect(visitPrescription(db, s.desk, s.visit.id)).rejects.toMatchObject({ status: 403 });
		await expect(savePrescription(db, s.doctor, crypto.randomUUID(), input)).rejects.toMatchObject({ status: 404 });
		const other = await scene();
		await expect(savePrescription(db, other.doctor, s.visit.id, input)).rejects.toMatchObject({ status: 404 });
		await ensureCatalogue(db, other.home.id);
		const foreign = await findMedicine(other.home.id, 'metformin', 'tablet', '500 mg');
		const bad = await savePrescription(db, s.doctor, s.visit.id, {
			lines: [line(foreign.id), line(s.metformin.id, { frequency: 'twice', durationDays: 0 }), line(s.metformin.id, { dose: 'apply thinly' })],
			idempotencyKey: key()
		}).catch((e: { status: number; fields: { field: string; code: string }[] }) => e);
		expect(bad).toMatchObject({ status: 400 });
		expect((bad as { fields: { field: string; code: string }[] }).fields.map((f) => [f.field, f.code])).toEqual([
			['lines.1.frequency', 'frequency_invalid'],
			['lines.1.durationDays', 'duration_invalid']
		]);
		const unknown = await savePrescription(db, s.doctor, s.visit.id, {
			lines: [line(foreign.id), line(s.metformin.id, { dose: 'apply thinly' })],
			idempotencyKey: key()
		}).catch((e: { fields: { field: string; code: string }[] }) => e.fields.map((f) => [f.field, f.code]));
		expect(unknown).toEqual([
			['lines.0.medicineId', 'field_invalid'],
			['lines.1.quantity', 'quantity_required']
		]);
	});

	it('refuses any change once the visit is completed, and the issued lines cannot change underneath', async () => {
		const s = await withCatalogue();
		const saved = await savePrescription(db, s.doctor, s.visit.id, { lines: [line(s.metformin.id)], idempotencyKey: key() });
		await db.update(visit).set({ status: 'completed', completedAt: new Date() }).where(eq(visit.id, s.visit.id));
		await db.update(prescription).set({ issuedAt: new Date() }).where(eq(prescription.visitId, s.visit.id));
		await expect(savePrescription(db, s.doctor, s.visit.id, { lines: [], idempotencyKey: key() })).rejects.toMatchObject({
			status: 409,
			code: 'visit_completed'
		});
		await expect(db.delete(prescriptionLine).where(eq(prescriptionLine.prescriptionId, saved.id ?? ''))).rejects.toThrow();
		expect(await visitPrescription(db, s.doctor, s.visit.id)).toMatchObject({ visitStatus: 'completed', lines: [{ medicineId: s.metformin.id }] });
	});
});
