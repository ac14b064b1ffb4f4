import { and, asc, eq } from 'drizzle-orm';
import {
	appUser,
	prescription,
	prescriptionLine,
	room,
	visit,
	visitAddendum,
	visitDiagnosis,
	visitNote,
	visitObservation,
	visitRecord,
	type Visit
} from '../db/schema';
import type { Db, Tx } from '../db';
import { NOTE_CATEGORIES, type NoteCategory } from '../../sync/contracts/chart';
import { VITAL_KEYS, type VitalKey } from '../../visits/vitals';
import { clinicCodeOf, findVisit, visitRef } from './common';
import type { SnapshotPrescription, VisitSnapshot } from './snapshot';

export type AddendumView = { id: string; authorId: string; authorName: string; text: string; reason: string; createdAt: string };

/** `GET …/visits/{id}`: the visit, and once completed its snapshot (with the hash it was stored with) and addenda. */
export type VisitView = {
	id: string;
	ref: string;
	status: 'open' | 'completed';
	patientId: string;
	doctorId: string;
	setting: 'clinic' | 'home' | 'phone';
	room: { id: string; name: string } | null;
	appointmentId: string | null;
	tokenId: string | null;
	startedAt: string;
	completedAt: string | null;
	snapshot: VisitSnapshot | null;
	contentHash: string | null;
	addenda: AddendumView[];
};

const isVitalKey = (kind: string): kind is VitalKey => (VITAL_KEYS as readonly string[]).includes(kind);
const isCategory = (c: string): c is NoteCategory => (NOTE_CATEGORIES as readonly string[]).includes(c);

/** The visit as the API shows it (any clinician of the clinic: the caller checks `chart.view`). */
export async function getVisitView(db: Db | Tx, clinicId: string, visitId: string): Promise<VisitView> {
	const row = await findVisit(db, clinicId, visitId);
	return presentVisit(db, row);
}

export async function presentVisit(db: Db | Tx, row: Visit): Promise<VisitView> {
	const code = await clinicCodeOf(db, row.clinicId);
	const [where] = row.roomId ? await db.select({ id: room.id, name: room.name }).from(room).where(eq(room.id, row.roomId)) : [];
	const completed = row.status === 'completed' ? await storedSnapshot(db, row.id) : null;
	return {
		id: row.id,
		ref: visitRef(code, row.refNo),
		status: row.status,
		patientId: row.patientId,
		doctorId: row.doctorId,
		setting: row.setting,
		room: where ?? null,
		appointmentId: row.appointmentId,
		tokenId: row.tokenId,
		startedAt: row.startedAt.toISOString(),
		completedAt: row.completedAt?.toISOString() ?? null,
		snapshot: completed?.snapshot ?? null,
		contentHash: completed?.contentHash ?? null,
		addenda: row.status === 'completed' ? await addendaOf(db, row.id) : []
	};
}

/** The issued (or, while completing, the current) prescription of a visit, in the snapshot's shape. */
export async function prescriptionOf(db: Db | Tx, visitId: string): Promise<SnapshotPrescription | null> {
	const [head] = await db.select({ id: prescription.id }).from(prescription).where(eq(prescription.visitId, visitId));
	if (!head) return null;
	const lines = await db
		.select({
			medicineId: prescriptionLine.medicineId,
			dose: prescriptionLine.dose,
			frequency: prescriptionLine.frequency,
			durationDays: prescriptionLine.durationDays,
			route: prescriptionLine.route,
			instructionsEn: prescriptionLine.instructionsEn,
			instructionsUr: prescriptionLine.instructionsUr,
			quantity: prescriptionLine.quantity
		})
		.from(prescriptionLine)
		.where(eq(prescriptionLine.prescriptionId, head.id))
		.orderBy(asc(prescriptionLine.position));
	return { id: head.id, lines };
}

/** The snapshot as completion stored it, rebuilt from its rows: the same object its content hash was taken over. */
export async function storedSnapshot(db: Db | Tx, visitId: string): Promise<{ snapshot: VisitSnapshot; contentHash: string } | null> {
	const [record] = await db.select().from(visitRecord).where(eq(visitRecord.visitId, visitId));
	if (!record) return null;
	const [notes, observations, diagnoses, issued] = await Promise.all([
		db.select().from(visitNote).where(eq(visitNote.visitId, visitId)),
		db.select().from(visitObservation).where(eq(visitObservation.visitId, visitId)),
		db.select().from(visitDiagnosis).where(eq(visitDiagnosis.visitId, visitId)).orderBy(asc(visitDiagnosis.position)),
		prescriptionOf(db, visitId)
	]);
	const vitals: VisitSnapshot['vitals'] = {};
	let glucoseKind: VisitSnapshot['glucoseKind'] = null;
	for (const o of observations) {
		if (o.kind === 'bmi') vitals.bmi = o.value;
		if (!isVitalKey(o.kind)) continue;
		vitals[o.kind] = o.value;
		if (o.kind === 'glucose') glucoseKind = o.qualifier === 'fasting' ? 'fasting' : 'random';
	}
	const byCategory = { symptoms: '', observations: '', diagnosis: '', treatment: '' } satisfies Record<NoteCategory, string>;
	for (const n of notes) if (isCategory(n.category)) byCategory[n.category] = n.text;
	const snapshot: VisitSnapshot = {
		vitals,
		glucoseKind,
		complaint: record.complaint,
		complaintDuration: record.complaintDuration,
		history: record.historyOfIllness,
		notes: byCategory,
		diagnoses: diagnoses.map((d) => ({ code: d.code, title: d.title })),
		plan: record.plan,
		advice: record.advice,
		reason: record.reason,
		followUp: record.followUp ?? null,
		prescription: issued
	};
	return { snapshot, contentHash: record.contentHash };
}

export async function addendaOf(db: Db | Tx, visitId: string): Promise<AddendumView[]> {
	const rows = await db
		.select({
			id: visitAddendum.id,
			authorId: visitAddendum.authorId,
			authorName: appUser.name,
			text: visitAddendum.text,
			reason: visitAddendum.reason,
			createdAt: visitAddendum.createdAt
		})
		.from(visitAddendum)
		.innerJoin(appUser, eq(appUser.id, visitAddendum.authorId))
		.where(eq(visitAddendum.visitId, visitId))
		.orderBy(asc(visitAddendum.createdAt), asc(visitAddendum.id));
	return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

/** An open visit of this patient with this doctor, if any. */
export async function openVisitOf(db: Db | Tx, patientId: string, doctorId: string): Promise<string | null> {
	const [row] = await db
		.select({ id: visit.id })
		.from(visit)
		.where(and(eq(visit.patientId, patientId), eq(visit.doctorId, doctorId), eq(visit.status, 'open')))
		.limit(1);
	return row?.id ?? null;
}
