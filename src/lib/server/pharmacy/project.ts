import { and, asc, desc, eq, gte, inArray, isNotNull } from 'drizzle-orm';
import { appUser, clinic, medicine, patient, prescription, prescriptionLine, visit } from '../db/schema';
import type { Db } from '../db';
import type { DocumentRef } from '../../sync/protocol';
import type { ProjectionContent } from '../sync/projection';
import { PHARMACY_WINDOW_DAYS, type PharmacyContent } from '../../sync/contracts/pharmacy';
import { formatRef } from '../tenancy/counters';
import { dispensingStates, prescribedUnits } from './dispense';
import { stockAlerts } from './inventory';

/**
 * `clinic/{id}/pharmacy`: the prescriptions issued (their visit completed) in the last
 * `PHARMACY_WINDOW_DAYS` days, newest first, with their lines as issued. "Complete visit" names
 * this document when it issues one.
 */
export async function projectClinicPharmacy(db: Db, ref: DocumentRef, now = new Date()): Promise<ProjectionContent> {
	if (ref.type !== 'pharmacy') throw new Error(`pharmacy projection asked for ${ref.type}`);
	const since = new Date(now.getTime() - PHARMACY_WINDOW_DAYS * 86_400_000);
	const [home] = await db.select({ code: clinic.code }).from(clinic).where(eq(clinic.id, ref.clinicId));
	if (!home)
		return { prescriptions: [], alerts: { lowStock: 0, expired: 0, within30: 0, within60: 0, within90: 0, lastMovementAt: null } } satisfies PharmacyContent;
	const issued = await db
		.select({ rx: prescription, visitRefNo: visit.refNo, patientName: patient.name, patientRefNo: patient.refNo, doctorName: appUser.name })
		.from(prescription)
		.innerJoin(visit, eq(visit.id, prescription.visitId))
		.innerJoin(patient, eq(patient.id, prescription.patientId))
		.innerJoin(appUser, eq(appUser.id, prescription.doctorId))
		.where(and(eq(prescription.clinicId, ref.clinicId), isNotNull(prescription.issuedAt), gte(prescription.issuedAt, since)))
		.orderBy(desc(prescription.issuedAt))
		.limit(300);
	const lines =
		issued.length === 0
			? []
			: await db
					.select({ line: prescriptionLine, genericName: medicine.genericName, form: medicine.form, strength: medicine.strength })
					.from(prescriptionLine)
					.innerJoin(medicine, eq(medicine.id, prescriptionLine.medicineId))
					.where(
						inArray(
							prescriptionLine.prescriptionId,
							issued.map((i) => i.rx.id)
						)
					)
					.orderBy(asc(prescriptionLine.position));
	const { states, lines: lineStates } = await dispensingStates(
		db,
		issued.map((i) => i.rx.id)
	);
	const preparers = [...new Set([...states.values()].flatMap((s) => (s.preparedBy ? [s.preparedBy] : [])))];
	const names = new Map(
		preparers.length
			? (await db.select({ id: appUser.id, name: appUser.name }).from(appUser).where(inArray(appUser.id, preparers))).map((u) => [u.id, u.name])
			: []
	);
	const substituteIds = [...new Set([...lineStates.values()].flatMap((l) => (l.substituteMedicineId ? [l.substituteMedicineId] : [])))];
	const substitutes = new Map(
		substituteIds.length
			? (
					await db
						.select({ id: medicine.id, genericName: medicine.genericName, brandNames: medicine.brandNames, strength: medicine.strength })
						.from(medicine)
						.where(inArray(medicine.id, substituteIds))
				).map((s) => [s.id, [s.brandNames[0] ?? s.genericName, s.strength].filter(Boolean).join(' ')])
			: []
	);
	return {
		prescriptions: issued.flatMap(({ rx, ...s }) =>
			rx.issuedAt
				? [
						{
							id: rx.id,
							visitId: rx.visitId,
							visitRef: formatRef(home.code, 'V', s.visitRefNo),
							patientId: rx.patientId,
							patientName: s.patientName,
							patientRef: formatRef(home.code, 'P', s.patientRefNo),
							doctorId: rx.doctorId,
							doctorName: s.doctorName,
							issuedAt: rx.issuedAt.toISOString(),
							status: states.get(rx.id)?.status ?? 'waiting',
							urgent: rx.urgent,
							preparedBy: (() => {
								const by = states.get(rx.id)?.preparedBy;
								return by ? { id: by, name: names.get(by) ?? '' } : null;
							})(),
							readyAt: states.get(rx.id)?.readyAt?.toISOString() ?? null,
							collectedAt: states.get(rx.id)?.collectedAt?.toISOString() ?? null,
							lines: lines
								.filter((l) => l.line.prescriptionId === rx.id)
								.map(({ line, ...m }) => ({
									id: line.id,
									medicineId: line.medicineId,
									genericName: m.genericName,
									form: m.form,
									strength: m.strength,
									dose: line.dose,
									frequency: line.frequency,
									durationDays: line.durationDays,
									route: line.route,
									quantity: line.quantity,
									instructions: line.instructionsEn,
									instructionsUr: line.instructionsUr,
									prescribed: lineStates.get(line.id)?.prescribed ?? prescribedUnits(line.quantity),
									dispensed: lineStates.get(line.id)?.dispensed ?? 0,
									lineStatus: lineStates.get(line.id)?.status ?? 'pending',
									substitute: substitutes.get(lineStates.get(line.id)?.substituteMedicineId ?? '') ?? null,
									note: lineStates.get(line.id)?.note ?? ''
								}))
						}
					]
				: []
		),
		alerts: await stockAlerts(db, ref.clinicId, now)
	} satisfies PharmacyContent;
}
