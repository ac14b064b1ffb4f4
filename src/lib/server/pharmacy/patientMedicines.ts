import { and, desc, eq, gte, isNotNull } from 'drizzle-orm';
import { dispensing, prescription } from '../db/schema';
import type { Db, Tx } from '../db';
import type { PatientPrescription } from '../../sync/contracts/queue';

/** How far back a patient's phone lists their prescriptions: long enough to come back for them. */
export const PATIENT_PRESCRIPTION_DAYS = 7;

/**
 * Where one patient record's recent issued prescriptions are at its clinic's pharmacy, newest
 * first: only the status and its times, never the medicines (a phone can be seen by others).
 * No access decision here: it feeds `patient/{id}/live`, which only that patient's account and
 * the record's clinic staff may open (locatePatientLive).
 */
export async function patientMedicinesStatus(db: Db | Tx, patientId: string, now = new Date()): Promise<PatientPrescription[]> {
	const since = new Date(now.getTime() - PATIENT_PRESCRIPTION_DAYS * 86_400_000);
	const rows = await db
		.select({
			id: prescription.id,
			issuedAt: prescription.issuedAt,
			status: dispensing.status,
			readyAt: dispensing.readyAt,
			collectedAt: dispensing.collectedAt
		})
		.from(prescription)
		.leftJoin(dispensing, eq(dispensing.prescriptionId, prescription.id))
		.where(and(eq(prescription.patientId, patientId), isNotNull(prescription.issuedAt), gte(prescription.issuedAt, since)))
		.orderBy(desc(prescription.issuedAt))
		.limit(5);
	return rows.map((r) => ({
		id: r.id,
		issuedAt: (r.issuedAt ?? now).toISOString(),
		status: r.status ?? 'waiting',
		readyAt: r.readyAt?.toISOString() ?? null,
		collectedAt: r.collectedAt?.toISOString() ?? null
	}));
}
