import { and, eq, isNull } from 'drizzle-orm';
import { billConsultation } from '../billing/auto';
import { prescription, queueToken, visit, visitDiagnosis, visitNote, visitObservation, visitRecord } from '../db/schema';
import type { Db, Tx } from '../db';
import { requiredIdempotency, runCommand } from '../command';
import { AppError, forbidden } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { documentsChanged } from '../sync/changes';
import { closeCollaborativeDocument, lockCollaborativeDocument } from '../sync/persistence';
import { loadClinic, lockQueue } from '../queue/common';
import { completeAppointment, completeTokenOfVisit } from '../queue/changeToken';
import { documentName } from '../../sync/protocol';
import { NOTE_CATEGORIES } from '../../sync/contracts/chart';
import { VITAL_KEYS, VITAL_UNITS } from '../../visits/vitals';
import { can } from './policy';
import { completeVisitInput } from './schema';
import { auditVisit, chartName, findVisit, lockVisit } from './common';
import { chartStateOf, codedDiagnoses, readChart, refuseIncompleteChart, snapshotHash, type ChartReading } from './snapshot';
import { presentVisit, prescriptionOf, type VisitView } from './queries';

export const visitCompleted = () => new AppError('visit_completed', 409, 'This visit is completed; add an addendum instead');

/**
 * "Complete visit": the chart document as the server's update log holds it becomes the visit's
 * record, exactly. In one transaction, in this lock order (the queue's own order, then the
 * visit, then its document): the token's day, the visit row, the chart's `sync_document` row
 * (which every append of a collaborative update share-locks, sync/persistence.ts). The snapshot is
 * read from the log under that lock, validated, written as rows with its content hash, and the
 * document is closed before the lock is released: an update is either in the snapshot or finds the
 * document closed and is refused (its writer told `visit-completed`, see contracts/chart.ts). The
 * visit's prescription is issued, its token (when still with the doctor) and appointment complete,
 * and the chart's name is published so the sync servers make its open connections read-only.
 */
export async function completeVisit(db: Db, ctx: ClinicContext, visitId: string, input: unknown, now = new Date()): Promise<VisitView> {
	// Only clinicians learn whether the visit exists; of them, its doctor and the nurses write.
	if (!can(ctx.actor, 'chart.view')) throw forbidden();
	const current = await findVisit(db, ctx.clinicId, visitId);
	if (!can(ctx.actor, 'visit.complete', { clinicianUserIds: [current.doctorId] })) throw forbidden();
	const data = parseInput(completeVisitInput, input);
	const idempotency = requiredIdempotency(`visit.complete:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { visitId });
	const home = await loadClinic(db, ctx.clinicId);
	const [token] = current.tokenId ? await db.select({ day: queueToken.day }).from(queueToken).where(eq(queueToken.id, current.tokenId)) : [];
	return runCommand(db, idempotency, async (tx) => {
		if (token) await lockQueue(tx, ctx.clinicId, token.day);
		const row = await lockVisit(tx, ctx.clinicId, visitId);
		if (row.status === 'completed') throw visitCompleted();
		const name = chartName(row.id);
		const { doc } = await lockCollaborativeDocument(tx, name, row.clinicId);
		const reading = readChart(doc);
		reading.snapshot.prescription = await prescriptionOf(tx, row.id);
		refuseIncompleteChart(reading.snapshot);
		reading.snapshot.diagnoses = codedDiagnoses(reading.snapshot.diagnoses);
		const contentHash = snapshotHash(reading.snapshot);
		await storeRecord(tx, ctx, row, reading, { contentHash, chartState: chartStateOf(doc), now });
		doc.destroy();
		const issued = await tx
			.update(prescription)
			.set({ issuedAt: now, updatedAt: now })
			.where(and(eq(prescription.visitId, row.id), isNull(prescription.issuedAt)))
			.returning({ id: prescription.id });
		// The pharmacy sees the issued prescription at once (clinic/{id}/pharmacy).
		if (issued.length > 0) await documentsChanged(tx, [documentName.pharmacy(row.clinicId)]);
		const [done] = await tx.update(visit).set({ status: 'completed', completedAt: now }).where(eq(visit.id, row.id)).returning();
		if (row.tokenId) await completeTokenOfVisit(tx, ctx, row.tokenId, now);
		if (row.appointmentId) await completeAppointment(tx, home, row.appointmentId, row.patientId, now);
		// The patient's automatic invoice appears as a draft with the consultation (billing/auto.ts).
		await billConsultation(tx, row, ctx.actor.userId, now);
		await closeCollaborativeDocument(tx, name, row.clinicId);
		await auditVisit(tx, ctx, 'visit.complete', row, { contentHash, prescription: reading.snapshot.prescription?.id ?? null });
		await documentsChanged(tx, [name, documentName.patientLive(row.patientId)]);
		return presentVisit(tx, done);
	});
}

type Stored = { contentHash: string; chartState: string; now: Date };

async function storeRecord(tx: Tx, ctx: ClinicContext, row: { id: string; clinicId: string; patientId: string }, reading: ChartReading, stored: Stored) {
	const { snapshot, richNotes } = reading;
	await tx.insert(visitRecord).values({
		visitId: row.id,
		clinicId: row.clinicId,
		complaint: snapshot.complaint,
		complaintDuration: snapshot.complaintDuration,
		historyOfIllness: snapshot.history,
		plan: snapshot.plan,
		advice: snapshot.advice,
		reason: snapshot.reason,
		followUp: snapshot.followUp,
		contentHash: stored.contentHash,
		chartState: stored.chartState,
		completedBy: ctx.actor.userId,
		completedAt: stored.now
	});
	await tx
		.insert(visitNote)
		.values(NOTE_CATEGORIES.map((category) => ({ visitId: row.id, category, text: snapshot.notes[category], rich: richNotes[category] })));
	const measured: { kind: string; value: number; unit: string }[] = VITAL_KEYS.flatMap((kind) => {
		const value = snapshot.vitals[kind];
		return value === undefined ? [] : [{ kind, value, unit: VITAL_UNITS[kind] }];
	});
	if (snapshot.vitals.bmi !== undefined) measured.push({ kind: 'bmi', value: snapshot.vitals.bmi, unit: 'kg/m²' });
	const observations = measured.map((m) => ({
		...m,
		clinicId: row.clinicId,
		visitId: row.id,
		patientId: row.patientId,
		qualifier: m.kind === 'glucose' ? snapshot.glucoseKind : null,
		observedAt: stored.now
	}));
	if (observations.length > 0) await tx.insert(visitObservation).values(observations);
	if (snapshot.diagnoses.length > 0)
		await tx
			.insert(visitDiagnosis)
			.values(
				snapshot.diagnoses.map((d, position) => ({ clinicId: row.clinicId, visitId: row.id, patientId: row.patientId, position, code: d.code, title: d.title }))
			);
}
