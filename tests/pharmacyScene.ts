import { randomInt } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { medicine, membership, prescription, prescriptionLine, stockBatch, stockMovement, visit } from '../src/lib/server/db/schema';
import type { Db } from '../src/lib/server/db';
import { executeRows } from '../src/lib/server/db/rows';
import { makeClinic, makeMember } from './factories';
import { ctxOf, key, makePatient } from './integration/queueScene';
import { receiveBatch } from '../src/lib/server/pharmacy/stock';

/** The error a promise rejects with, or null when it resolves. */
export const failure = (p: Promise<unknown>) =>
	p.then(
		() => null,
		(e: unknown) => e
	);

/** A calendar day this many days from now (UTC), as an expiry. */
export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** A clinic with a pharmacist, a doctor and a patient, and helpers to stock medicines and issue prescriptions. */
export async function pharmacyScene(db: Db) {
	const home = await makeClinic(db);
	const [pharmacistUser, secondPharmacistUser, doctorUser, receptionUser] = await Promise.all([
		makeMember(db, home.id, 'pharmacist'),
		makeMember(db, home.id, 'pharmacist'),
		makeMember(db, home.id, 'doctor'),
		makeMember(db, home.id, 'reception')
	]);
	const pharmacist = ctxOf(home.id, pharmacistUser.id, 'pharmacist');
	const secondPharmacist = ctxOf(home.id, secondPharmacistUser.id, 'pharmacist');
	const doctor = ctxOf(home.id, doctorUser.id, 'doctor');
	const reception = ctxOf(home.id, receptionUser.id, 'reception');
	const patient = await makePatient(db, home.id);

	async function addMedicine(genericName = `testmycin ${randomInt(1e9)}`, strength = '250 mg') {
		const [row] = await db.insert(medicine).values({ clinicId: home.id, genericName, form: 'tablet', strength, route: 'oral', source: 'clinic' }).returning();
		return row;
	}

	async function stock(medicineId: string, batchNumber: string, expiry: string, quantity: number) {
		return receiveBatch(db, pharmacist, medicineId, { batchNumber, expiry, quantity, costPrice: 500, salePrice: 800, idempotencyKey: key() });
	}

	/** A completed visit with an issued prescription of these lines (units). */
	async function issue(lines: { medicineId: string; quantity: number }[], patientId = patient.id) {
		const [v] = await db
			.insert(visit)
			.values({
				clinicId: home.id,
				refNo: randomInt(1000, 1_000_000_000),
				patientId,
				doctorId: doctorUser.id,
				status: 'completed',
				startedAt: new Date(),
				completedAt: new Date()
			})
			.returning();
		const [rx] = await db.insert(prescription).values({ clinicId: home.id, visitId: v.id, patientId, doctorId: doctorUser.id }).returning();
		const inserted = await db
			.insert(prescriptionLine)
			.values(
				lines.map((l, i) => ({
					prescriptionId: rx.id,
					position: i,
					medicineId: l.medicineId,
					dose: '1 tablet',
					frequency: 'BD',
					durationDays: 5,
					route: 'oral',
					quantity: l.quantity
				}))
			)
			.returning();
		await db.update(prescription).set({ issuedAt: new Date() }).where(eq(prescription.id, rx.id));
		return { id: rx.id, visitId: v.id, lines: inserted.sort((a, b) => a.position - b.position).map((l) => l.id) };
	}

	return { home, pharmacist, secondPharmacist, doctor, reception, patient, pharmacistUser, addMedicine, stock, issue };
}

/** A branch of the scene's clinic: a clinic whose admin also administers the scene's, with a pharmacist of its own. */
export async function branchOf(db: Db, homeId: string) {
	const branch = await makeClinic(db);
	const adminUser = await makeMember(db, homeId, 'admin');
	await db.insert(membership).values({ clinicId: branch.id, userId: adminUser.id, role: 'admin' });
	const pharmacistUser = await makeMember(db, branch.id, 'pharmacist');
	return { branch, admin: ctxOf(homeId, adminUser.id, 'admin'), branchPharmacist: ctxOf(branch.id, pharmacistUser.id, 'pharmacist') };
}

/** Every batch's on hand equals the sum of its movements, and none is negative. */
export async function ledgerHolds(db: Db, clinicId: string): Promise<string[]> {
	const list = await executeRows<{ id: string; on_hand: number; total: number | null }>(
		db,
		sql`
		SELECT b.id, b.on_hand,
			(SELECT sum(m.quantity)::int FROM ${stockMovement} m WHERE m.batch_id = b.id) AS total
		FROM ${stockBatch} b WHERE b.clinic_id = ${clinicId}`
	);
	return list.filter((r) => r.on_hand < 0 || Number(r.total ?? 0) !== r.on_hand).map((r) => `${r.id}: on hand ${r.on_hand}, movements ${r.total}`);
}
