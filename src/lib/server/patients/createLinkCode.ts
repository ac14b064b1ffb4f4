import { and, eq, isNull } from 'drizzle-orm';
import { patient, patientLinkCode } from '../db/schema/patients';
import type { Db } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { isUniqueViolation } from '../db/errors';
import { conflict, forbidden, notFound } from '../errors';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { recordId } from './schema';
import { LINK_CODE_LIFETIME_MS, displayLinkCode, generateLinkCode, hashLinkCode } from './linkCode';

export type LinkCodeIssued = { code: string; expiresAt: Date };

/**
 * Gives the desk a one-time code for this record, valid for a day. The code itself is returned
 * once and never stored; a newer code replaces the record's previous unused one.
 */
export async function createLinkCode(db: Db, ctx: ClinicContext, patientId: string): Promise<LinkCodeIssued> {
	if (!can(ctx.actor, 'patient.account.link')) throw forbidden();
	if (!recordId.safeParse(patientId).success) throw notFound('No such patient');
	for (let attempt = 0; ; attempt++) {
		try {
			return await issue(db, ctx, patientId);
		} catch (e) {
			// Two live codes with one hash: a one-in-10^11 draw; draw again rather than fail.
			if (attempt < 2 && isUniqueViolation(e, 'patient_link_code_hash_key')) continue;
			throw e;
		}
	}
}

async function issue(db: Db, ctx: ClinicContext, patientId: string): Promise<LinkCodeIssued> {
	return runCommand(db, null, async (tx) => {
		// The record's row lock orders two desks issuing at once: the second revokes the first's code.
		const [record] = await tx
			.select({ id: patient.id, userId: patient.userId, mergedIntoId: patient.mergedIntoId })
			.from(patient)
			.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, patientId)))
			.for('update');
		if (!record) throw notFound('No such patient');
		if (record.mergedIntoId) throw conflict('This record was merged into another one');
		if (record.userId) throw conflict('This record is already linked to an app account', 'patient_already_linked');
		const now = new Date();
		const replaced = await tx
			.update(patientLinkCode)
			.set({ revokedAt: now })
			.where(and(eq(patientLinkCode.patientId, patientId), isNull(patientLinkCode.usedAt), isNull(patientLinkCode.revokedAt)))
			.returning({ id: patientLinkCode.id });
		const code = generateLinkCode();
		const expiresAt = new Date(now.getTime() + LINK_CODE_LIFETIME_MS);
		const [row] = await tx
			.insert(patientLinkCode)
			.values({ clinicId: ctx.clinicId, patientId, codeHash: hashLinkCode(code), expiresAt, createdBy: ctx.actor.userId })
			.returning({ id: patientLinkCode.id });
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'patient.link_code',
			entityType: 'patient',
			entityId: patientId,
			// Never the code: the audit log is read by more people than the patient it is for.
			data: { linkCodeId: row.id, expiresAt: expiresAt.toISOString(), replaced: replaced.length }
		});
		return { code: displayLinkCode(code), expiresAt };
	});
}
