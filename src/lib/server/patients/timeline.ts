import { and, asc, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import { appUser } from '../db/schema/auth';
import { visit } from '../db/schema/queue';
import { medicine, prescription, prescriptionLine, visitAddendum, visitDiagnosis, visitNote, visitObservation, visitRecord } from '../db/schema/clinical';
import type { Db, Tx } from '../db';
import { forbidden, notFound } from '../errors';
import type { ClinicContext } from '../tenancy/context';
import { isUuid } from '../text';
import { can } from './policy';

/*
 * The patient's completed visits as the EMR timeline and the printable summary show them. Only
 * completed visits are read: an open visit's chart is a live document, not yet the record.
 * Clinicians only (`patient.timeline`): complaints, diagnoses and notes are never shown to the
 * desk or the pharmacy.
 */

type Reader = Db | Tx;

/** The vitals the timeline lists and charts, in the API's units. */
export const KEY_VITALS = ['systolic', 'diastolic', 'pulse', 'temperature', 'spo2', 'weightKg', 'glucose'] as const;

export type Observation = { kind: string; value: number; unit: string; qualifier: string | null };
export type Diagnosis = { code: string | null; title: string };

export type TimelineVisit = {
	id: string;
	refNo: number;
	completedAt: string;
	doctorName: string;
	setting: string;
	complaint: string;
	diagnoses: Diagnosis[];
	vitals: Observation[];
	/** What the visit's issued prescription gave, in the doctor's order: "Amoxicillin 500 mg capsule · 1+0+1 · 5 d". */
	medicines: { name: string; frequency: string; durationDays: number }[];
};

/** One measurement for the chart of vitals over time. */
export type VitalPoint = { kind: string; value: number; at: string };

function authorise(ctx: ClinicContext) {
	if (!can(ctx.actor, 'patient.timeline')) throw forbidden();
}

const groupBy = <T extends { visitId: string }>(rows: T[]) => {
	const out = new Map<string, T[]>();
	for (const row of rows) out.set(row.visitId, [...(out.get(row.visitId) ?? []), row]);
	return out;
};

/** Every completed visit of the record, newest first, with its diagnoses and key vitals. */
export async function completedVisits(db: Reader, ctx: ClinicContext, patientId: string): Promise<TimelineVisit[]> {
	authorise(ctx);
	if (!isUuid(patientId)) return [];
	const visits = await db
		.select({
			id: visit.id,
			refNo: visit.refNo,
			setting: visit.setting,
			completedAt: visitRecord.completedAt,
			complaint: visitRecord.complaint,
			doctorName: appUser.name
		})
		.from(visit)
		.innerJoin(visitRecord, eq(visitRecord.visitId, visit.id))
		.innerJoin(appUser, eq(appUser.id, visit.doctorId))
		.where(and(eq(visit.clinicId, ctx.clinicId), eq(visit.patientId, patientId), eq(visit.status, 'completed')))
		.orderBy(desc(visitRecord.completedAt));
	if (visits.length === 0) return [];
	const ids = visits.map((v) => v.id);
	const [diagnoses, observations, medicines] = await Promise.all([
		db
			.select({ visitId: visitDiagnosis.visitId, code: visitDiagnosis.code, title: visitDiagnosis.title })
			.from(visitDiagnosis)
			.where(inArray(visitDiagnosis.visitId, ids))
			.orderBy(asc(visitDiagnosis.position)),
		db
			.select({
				visitId: visitObservation.visitId,
				kind: visitObservation.kind,
				value: visitObservation.value,
				unit: visitObservation.unit,
				qualifier: visitObservation.qualifier
			})
			.from(visitObservation)
			.where(and(inArray(visitObservation.visitId, ids), inArray(visitObservation.kind, [...KEY_VITALS]))),
		db
			.select({
				visitId: prescription.visitId,
				genericName: medicine.genericName,
				strength: medicine.strength,
				form: medicine.form,
				frequency: prescriptionLine.frequency,
				durationDays: prescriptionLine.durationDays
			})
			.from(prescription)
			.innerJoin(prescriptionLine, eq(prescriptionLine.prescriptionId, prescription.id))
			.innerJoin(medicine, eq(medicine.id, prescriptionLine.medicineId))
			.where(and(inArray(prescription.visitId, ids), isNotNull(prescription.issuedAt)))
			.orderBy(asc(prescriptionLine.position))
	]);
	const diagnosesOf = groupBy(diagnoses);
	const vitalsOf = groupBy(observations);
	const medicinesOf = groupBy(medicines);
	const order = (o: Observation) => KEY_VITALS.indexOf(o.kind as (typeof KEY_VITALS)[number]);
	return visits.map((v) => ({
		...v,
		completedAt: v.completedAt.toISOString(),
		diagnoses: (diagnosesOf.get(v.id) ?? []).map(({ code, title }) => ({ code, title })),
		vitals: (vitalsOf.get(v.id) ?? []).map(({ kind, value, unit, qualifier }) => ({ kind, value, unit, qualifier })).sort((a, b) => order(a) - order(b)),
		medicines: (medicinesOf.get(v.id) ?? []).map((l) => ({
			name: [l.genericName, l.strength, l.form].filter(Boolean).join(' '),
			frequency: l.frequency,
			durationDays: l.durationDays
		}))
	}));
}

/** The record's measured blood pressure, pulse, weight and glucose over time, oldest first. */
export async function vitalsOverTime(db: Reader, ctx: ClinicContext, patientId: string): Promise<VitalPoint[]> {
	authorise(ctx);
	if (!isUuid(patientId)) return [];
	const rows = await db
		.select({ kind: visitObservation.kind, value: visitObservation.value, at: visitObservation.observedAt })
		.from(visitObservation)
		.innerJoin(visit, eq(visit.id, visitObservation.visitId))
		.where(
			and(
				eq(visitObservation.clinicId, ctx.clinicId),
				eq(visitObservation.patientId, patientId),
				eq(visit.status, 'completed'),
				inArray(visitObservation.kind, ['systolic', 'diastolic', 'pulse', 'weightKg', 'glucose'])
			)
		)
		.orderBy(asc(visitObservation.observedAt));
	return rows.map((r) => ({ kind: r.kind, value: r.value, at: r.at.toISOString() }));
}

export type VisitSummary = Omit<TimelineVisit, 'medicines'> & {
	startedAt: string;
	complaintDuration: string;
	historyOfIllness: string;
	plan: string;
	advice: string;
	reason: string;
	followUp: { inDays: number | null; note: string } | null;
	vitals: Observation[];
	notes: { category: string; text: string }[];
	addenda: { id: string; authorName: string; text: string; reason: string; createdAt: string }[];
};

const NOTE_ORDER = ['symptoms', 'observations', 'diagnosis', 'treatment'];

/** One completed visit of the record, whole, for the printable summary; anything else is not found. */
export async function visitSummary(db: Reader, ctx: ClinicContext, patientId: string, visitId: string): Promise<VisitSummary> {
	authorise(ctx);
	if (!isUuid(patientId) || !isUuid(visitId)) throw notFound('No such visit');
	const [row] = await db
		.select({ visit, record: visitRecord, doctorName: appUser.name })
		.from(visit)
		.innerJoin(visitRecord, eq(visitRecord.visitId, visit.id))
		.innerJoin(appUser, eq(appUser.id, visit.doctorId))
		.where(and(eq(visit.id, visitId), eq(visit.clinicId, ctx.clinicId), eq(visit.patientId, patientId), eq(visit.status, 'completed')));
	if (!row) throw notFound('No such visit');
	const [diagnoses, observations, notes, addenda] = await Promise.all([
		db.select().from(visitDiagnosis).where(eq(visitDiagnosis.visitId, visitId)).orderBy(asc(visitDiagnosis.position)),
		db.select().from(visitObservation).where(eq(visitObservation.visitId, visitId)),
		db.select({ category: visitNote.category, text: visitNote.text }).from(visitNote).where(eq(visitNote.visitId, visitId)),
		db
			.select({ id: visitAddendum.id, authorName: appUser.name, text: visitAddendum.text, reason: visitAddendum.reason, createdAt: visitAddendum.createdAt })
			.from(visitAddendum)
			.innerJoin(appUser, eq(appUser.id, visitAddendum.authorId))
			.where(eq(visitAddendum.visitId, visitId))
			.orderBy(asc(visitAddendum.createdAt))
	]);
	const { record } = row;
	return {
		id: row.visit.id,
		refNo: row.visit.refNo,
		setting: row.visit.setting,
		startedAt: row.visit.startedAt.toISOString(),
		completedAt: record.completedAt.toISOString(),
		doctorName: row.doctorName,
		complaint: record.complaint,
		complaintDuration: record.complaintDuration,
		historyOfIllness: record.historyOfIllness,
		plan: record.plan,
		advice: record.advice,
		reason: record.reason,
		followUp: record.followUp,
		diagnoses: diagnoses.map(({ code, title }) => ({ code, title })),
		vitals: observations.map(({ kind, value, unit, qualifier }) => ({ kind, value, unit, qualifier })),
		notes: notes.filter((n) => n.text.trim() !== '').sort((a, b) => NOTE_ORDER.indexOf(a.category) - NOTE_ORDER.indexOf(b.category)),
		addenda: addenda.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() }))
	};
}
