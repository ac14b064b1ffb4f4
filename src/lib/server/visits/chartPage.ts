import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db';
import type { Clinic } from '../db/schema';
import { appUser, room } from '../db/schema';
import { patient } from '../db/schema/patients';
import { visit } from '../db/schema/queue';
import {
	patientAllergy,
	patientCondition,
	patientMedication,
	visitAddendum,
	visitDiagnosis,
	visitNote,
	visitObservation,
	visitRecord
} from '../db/schema/clinical';
import type { ClinicContext } from '../tenancy/context';
import { formatRef } from '../tenancy/counters';
import { clinicToday } from '$lib/time';
import { ageOn } from '$lib/components/patients/labels';
import type { NoteCategory } from '$lib/sync/contracts/chart';
import { can } from './policy';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The chart screen's read model (`/[clinic]/visits/[id]`): the visit, the patient's header with
 * what a clinician must see before touching the chart (allergies, chronic conditions, current
 * medicines), whether this person may write the live chart, and, once the visit is completed, the
 * snapshot it was completed with and its addenda in order. Null when the visit is not this clinic's
 * or the person may not read clinical notes (the route answers 404 for both, so nothing leaks).
 */
export async function chartPage(db: Db, clinic: Clinic, ctx: ClinicContext, visitId: string) {
	if (!can(ctx.actor, 'chart.view') || !UUID.test(visitId)) return null;
	const [row] = await db
		.select({ visit, patient, doctorName: appUser.name, roomName: room.name })
		.from(visit)
		.innerJoin(patient, eq(patient.id, visit.patientId))
		.innerJoin(appUser, eq(appUser.id, visit.doctorId))
		.leftJoin(room, eq(room.id, visit.roomId))
		.where(and(eq(visit.id, visitId), eq(visit.clinicId, ctx.clinicId)));
	if (!row) return null;
	const { visit: v, patient: p } = row;
	const today = clinicToday(clinic.timezone);
	const [allergies, conditions, medications] = await Promise.all([
		db
			.select({ id: patientAllergy.id, substance: patientAllergy.substance, reaction: patientAllergy.reaction, severity: patientAllergy.severity })
			.from(patientAllergy)
			.where(and(eq(patientAllergy.clinicId, ctx.clinicId), eq(patientAllergy.patientId, p.id), isNull(patientAllergy.removedAt)))
			.orderBy(asc(patientAllergy.recordedAt)),
		db
			.select({ id: patientCondition.id, name: patientCondition.name, code: patientCondition.code, since: patientCondition.since })
			.from(patientCondition)
			.where(and(eq(patientCondition.clinicId, ctx.clinicId), eq(patientCondition.patientId, p.id), isNull(patientCondition.resolvedAt)))
			.orderBy(asc(patientCondition.recordedAt)),
		db
			.select({ id: patientMedication.id, name: patientMedication.name, dose: patientMedication.dose })
			.from(patientMedication)
			.where(and(eq(patientMedication.clinicId, ctx.clinicId), eq(patientMedication.patientId, p.id), isNull(patientMedication.stoppedAt)))
			.orderBy(asc(patientMedication.recordedAt))
	]);
	const open = v.status === 'open';
	const isDoctor = ctx.actor.userId === v.doctorId;
	return {
		visit: {
			id: v.id,
			ref: formatRef(clinic.code, 'V', v.refNo),
			status: v.status,
			setting: v.setting,
			doctorId: v.doctorId,
			doctorName: row.doctorName,
			roomName: row.roomName,
			startedAt: v.startedAt.toISOString(),
			completedAt: v.completedAt?.toISOString() ?? null
		},
		patient: {
			id: p.id,
			ref: formatRef(clinic.code, 'P', p.refNo),
			name: p.name,
			ageYears: p.dateOfBirth ? ageOn(p.dateOfBirth, today) : null,
			dobEstimated: p.dobEstimated,
			sex: p.sex,
			bloodGroup: p.bloodGroup,
			/** The older free-text allergy note of the record, shown when no structured allergy is kept. */
			allergyNote: p.allergies,
			allergies,
			conditions,
			medications
		},
		canWrite: open && can(ctx.actor, 'chart.write', { clinicianUserIds: [v.doctorId] }),
		canComplete: open && isDoctor && can(ctx.actor, 'chart.write', { clinicianUserIds: [v.doctorId] }),
		/** Addenda are signed by the clinicians who may write the chart: the visit's doctor and the nurses. */
		canAmend: !open && can(ctx.actor, 'chart.write', { clinicianUserIds: [v.doctorId] }),
		completed: open ? null : await completedChart(db, v.id)
	};
}

export type ChartPageData = NonNullable<Awaited<ReturnType<typeof chartPage>>>;

/** The snapshot "complete visit" wrote, and the addenda signed since, oldest first. */
async function completedChart(db: Db, visitId: string) {
	const [record] = await db
		.select({ record: visitRecord, completedByName: appUser.name })
		.from(visitRecord)
		.innerJoin(appUser, eq(appUser.id, visitRecord.completedBy))
		.where(eq(visitRecord.visitId, visitId));
	const [notes, observations, diagnoses, addenda] = await Promise.all([
		db.select({ category: visitNote.category, text: visitNote.text }).from(visitNote).where(eq(visitNote.visitId, visitId)),
		db
			.select({ kind: visitObservation.kind, value: visitObservation.value, unit: visitObservation.unit, qualifier: visitObservation.qualifier })
			.from(visitObservation)
			.where(eq(visitObservation.visitId, visitId)),
		db
			.select({ code: visitDiagnosis.code, title: visitDiagnosis.title })
			.from(visitDiagnosis)
			.where(eq(visitDiagnosis.visitId, visitId))
			.orderBy(asc(visitDiagnosis.position)),
		db
			.select({ id: visitAddendum.id, text: visitAddendum.text, reason: visitAddendum.reason, createdAt: visitAddendum.createdAt, authorName: appUser.name })
			.from(visitAddendum)
			.innerJoin(appUser, eq(appUser.id, visitAddendum.authorId))
			.where(eq(visitAddendum.visitId, visitId))
			.orderBy(asc(visitAddendum.createdAt), asc(visitAddendum.id))
	]);
	const r = record?.record;
	const notesBy: Partial<Record<NoteCategory, string>> = Object.fromEntries(notes.map((n) => [n.category, n.text]));
	return {
		complaint: r?.complaint ?? '',
		complaintDuration: r?.complaintDuration ?? '',
		history: r?.historyOfIllness ?? '',
		notes: notesBy,
		plan: r?.plan ?? '',
		advice: r?.advice ?? '',
		reason: r?.reason ?? '',
		followUp: r?.followUp ?? null,
		vitals: observations.map((o) => ({ kind: o.kind, value: o.value, unit: o.unit, qualifier: o.qualifier })),
		diagnoses,
		completedByName: record?.completedByName ?? null,
		contentHash: r?.contentHash ?? null,
		addenda: addenda.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() }))
	};
}

/** The visit a queue token's call opened, for those who may read charts; null otherwise. */
export async function visitOfToken(db: Db, ctx: ClinicContext, tokenId: string): Promise<string | null> {
	if (!can(ctx.actor, 'chart.view') || !UUID.test(tokenId)) return null;
	const [row] = await db
		.select({ id: visit.id })
		.from(visit)
		.where(and(eq(visit.tokenId, tokenId), eq(visit.clinicId, ctx.clinicId)));
	return row?.id ?? null;
}
