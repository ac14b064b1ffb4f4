import { and, eq, inArray, sql } from 'drizzle-orm';
import { patient, patientMerge } from '../db/schema/patients';
import type { Db, Tx } from '../db';
import { runCommand } from '../command';
import { executeRows } from '../db/rows';
import { appendAudit } from '../audit/audit';
import { badRequest, conflict, forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { mergeInput } from './schema';
import { mergedTokensChanged, settleTokensForMerge } from '../queue/mergeTokens';
import { moveCredit } from '../billing/payments';

/**
 * Every table that points at a patient. A feature that adds one (visits, prescriptions,
 * invoices…) lists it here, so a merge moves it too.
 */
export const patientReferences: { table: string; column: string }[] = [
	{ table: 'appointment', column: 'patient_id' },
	{ table: 'waitlist_entry', column: 'patient_id' },
	{ table: 'patient_document', column: 'patient_id' },
	{ table: 'queue_token', column: 'patient_id' },
	{ table: 'visit', column: 'patient_id' },
	{ table: 'visit_observation', column: 'patient_id' },
	{ table: 'visit_diagnosis', column: 'patient_id' },
	{ table: 'patient_allergy', column: 'patient_id' },
	{ table: 'patient_condition', column: 'patient_id' },
	{ table: 'patient_medication', column: 'patient_id' },
	{ table: 'prescription', column: 'patient_id' },
	{ table: 'referral', column: 'patient_id' },
	{ table: 'referral', column: 'to_patient_id' },
	// Invoices follow the patient; their payments hang off the invoice. Credit is append-only and moves by new entries (moveCredit).
	{ table: 'invoice', column: 'patient_id' }
];

const fillable = ['dateOfBirth', 'sex', 'phone', 'email', 'nationalId', 'externalRef', 'emergencyContactPhone', 'userId'] as const;

/**
 * Merges a duplicate record into the survivor: everything that pointed at the duplicate moves,
 * the survivor gains the fields it lacked, and the duplicate stays behind (marked merged) with
 * a merge row that explains what moved, by whom and why. When both records hold an active
 * queue token the same day, one token is kept and the other cancelled (see settleTokensForMerge).
 */
export async function mergePatients(db: Db, ctx: ClinicContext, survivorId: string, input: unknown) {
	if (!can(ctx.actor, 'patient.merge')) throw forbidden();
	const { mergeId, reason } = parseInput(mergeInput, input);
	if (mergeId === survivorId) throw badRequest('A record cannot be merged into itself', 'mergeId');
	const result = await runCommand(db, null, async (tx) => {
		// First thing, both rows in id order (check-in locks its patient first too, see lockArrivingPatient).
		// NO KEY UPDATE still lets a queue command that holds a day's line insert a visit of
		// either patient (its foreign-key check), so it can finish and free the line the merge waits for.
		const rows = await tx
			.select()
			.from(patient)
			.where(and(eq(patient.clinicId, ctx.clinicId), inArray(patient.id, [survivorId, mergeId])))
			.orderBy(patient.id)
			.for('no key update');
		const survivor = rows.find((r) => r.id === survivorId);
		const merged = rows.find((r) => r.id === mergeId);
		if (!survivor || !merged) throw notFound('No such patient');
		if (survivor.mergedIntoId || merged.mergedIntoId) throw conflict('One of these records was already merged');
		// Before the tokens move: the survivor may hold only one active token a day.
		const tokens = await settleTokensForMerge(tx, ctx, survivorId, mergeId);
		const moved = await moveReferences(tx, ctx.clinicId, mergeId, survivorId);
		const creditMoved = await moveCredit(tx, ctx.clinicId, ctx.actor.userId, mergeId, survivorId);
		const gains = Object.fromEntries(fillable.filter((f) => survivor[f] === null && merged[f] !== null).map((f) => [f, merged[f]]));
		const notes = {
			allergies: joinNotes(survivor.allergies, merged.allergies),
			chronicConditions: joinNotes(survivor.chronicConditions, merged.chronicConditions)
		};
		// The duplicate lets go of its account first: an account may hold one record per clinic
		// (patient_clinic_user_key), so the survivor can only gain it afterwards.
		await tx.update(patient).set({ mergedIntoId: survivorId, userId: null, updatedAt: new Date() }).where(eq(patient.id, mergeId));
		await tx
			.update(patient)
			.set({ ...gains, ...notes, updatedAt: new Date() })
			.where(eq(patient.id, survivorId));
		const [record] = await tx
			.insert(patientMerge)
			.values({ clinicId: ctx.clinicId, survivorId, mergedId: mergeId, moved, mergedBy: ctx.actor.userId, reason })
			.returning();
		await mergedTokensChanged(tx, ctx, survivorId, mergeId, tokens);
		// The token cancellations first, then the merge: the order things happened in.
		for (const entry of tokens.audit) await appendAudit(tx, entry);
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'patient.merge',
			entityType: 'patient',
			entityId: survivorId,
			data: { mergedId: mergeId, moved, gainedFields: Object.keys(gains), reason, cancelledTokens: tokens.cancelled, creditMoved }
		});
		return { mergeId: record.id, survivorId, mergedId: mergeId, moved, tokens };
	});
	return { mergeId: result.mergeId, survivorId, mergedId: mergeId, moved: result.moved, cancelledTokens: result.tokens.cancelled };
}

async function moveReferences(tx: Tx, clinicId: string, fromId: string, toId: string): Promise<Record<string, number>> {
	const moved: Record<string, number> = {};
	for (const { table, column } of patientReferences) {
		const rows = await executeRows(
			tx,
			sql`UPDATE ${sql.identifier(table)} SET ${sql.identifier(column)} = ${toId} WHERE clinic_id = ${clinicId} AND ${sql.identifier(column)} = ${fromId} RETURNING 1`
		);
		moved[table] = rows.length;
	}
	return moved;
}

function joinNotes(a: string, b: string): string {
	if (!b.trim() || a.includes(b)) return a;
	return a.trim() ? `${a}\n${b}` : b;
}
