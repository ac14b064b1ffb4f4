import { and, eq, gt, isNull } from 'drizzle-orm';
import { clinic } from '../db/schema';
import { patient, patientLinkCode } from '../db/schema/patients';
import type { Db, Tx } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { isUniqueViolation } from '../db/errors';
import { AppError, conflict, forbidden, isAppError } from '../errors';
import { parseInput } from '../validation';
import { formatRef } from '../tenancy/counters';
import { documentsChanged } from '../sync/changes';
import { documentName } from '../../sync/protocol';
import { hashLinkCode, normalizeLinkCode } from './linkCode';
import { takeLinkAttempt } from './linkAttempts';
import { linkInput } from './schema';

export type LinkingAccount = { id: string; kind: 'staff' | 'patient' };
export type AccountLink = { patientId: string; clinicCode: string; clinicName: string; patientRef: string };

const invalidCode = () => new AppError('link_code_invalid', 400, 'No such link code', 'code');
/** The codes that count towards the account's attempt limit: what a guesser would see. */
const GUESS_FAILURES = new Set(['link_code_invalid', 'link_code_expired', 'link_code_used']);

/**
 * A patient redeems the code the desk gave them: their account is linked to that clinic record.
 * The code is claimed by one conditional update, so of two accounts racing for it exactly one
 * wins; an account holds at most one record per clinic (a unique index, not a prior read).
 * `address` is the client's address (as for sign-in): wrong codes are limited per account and per
 * address, so many accounts in one hand do not multiply the guesses.
 */
export async function linkPatientAccount(db: Db, account: LinkingAccount, input: unknown, address: string): Promise<AccountLink> {
	if (account.kind !== 'patient') throw forbidden('Only patient accounts link to clinic records');
	const typed = parseInput(linkInput, input).code;
	const attempt = await takeLinkAttempt(account.id, address);
	let link: AccountLink;
	try {
		const code = normalizeLinkCode(typed);
		if (!code) throw invalidCode();
		link = await runCommand(db, null, (tx) => redeem(tx, account.id, hashLinkCode(code)));
	} catch (e) {
		if (!isAppError(e) || !GUESS_FAILURES.has(e.code)) await attempt.giveBack();
		// The claim rolled back with the refused link, so the code still works for the right account.
		if (isUniqueViolation(e, 'patient_clinic_user_key')) {
			throw conflict('This account is already linked to another record in that clinic', 'account_linked_here', 'code');
		}
		throw e;
	}
	await attempt.giveBack();
	return link;
}

async function redeem(tx: Tx, userId: string, codeHash: string): Promise<AccountLink> {
	const now = new Date();
	const [claimed] = await tx
		.update(patientLinkCode)
		.set({ usedAt: now, usedBy: userId })
		.where(and(eq(patientLinkCode.codeHash, codeHash), isNull(patientLinkCode.usedAt), isNull(patientLinkCode.revokedAt), gt(patientLinkCode.expiresAt, now)))
		.returning({ id: patientLinkCode.id, patientId: patientLinkCode.patientId });
	if (!claimed) return explainRefusal(tx, userId, codeHash);
	const [record] = await tx
		.select({
			id: patient.id,
			clinicId: patient.clinicId,
			refNo: patient.refNo,
			userId: patient.userId,
			mergedIntoId: patient.mergedIntoId,
			clinicCode: clinic.code,
			clinicName: clinic.name
		})
		.from(patient)
		.innerJoin(clinic, eq(clinic.id, patient.clinicId))
		.where(eq(patient.id, claimed.patientId))
		.for('update', { of: patient });
	// A code handed out for a record that was merged away since is no code at all.
	if (!record || record.mergedIntoId) throw invalidCode();
	if (record.userId && record.userId !== userId) throw conflict('This record is linked to another account', 'patient_already_linked', 'code');
	if (!record.userId) await tx.update(patient).set({ userId, updatedAt: now }).where(eq(patient.id, record.id));
	await appendAudit(tx, {
		clinicId: record.clinicId,
		actorUserId: userId,
		action: 'patient.link',
		entityType: 'patient',
		entityId: record.id,
		data: { linkCodeId: claimed.id }
	});
	// The account may open the record's live document now; one already open shows the record.
	await documentsChanged(tx, [documentName.patientLive(record.id), documentName.patientAppointments(record.id)]);
	return view(record);
}

/**
 * Why nothing was claimed. The account that already used the code gets its link back (a form
 * sent twice); anyone else learns only what a person at the desk could tell them.
 */
async function explainRefusal(tx: Tx, userId: string, codeHash: string): Promise<AccountLink> {
	const [row] = await tx
		.select({ usedBy: patientLinkCode.usedBy, usedAt: patientLinkCode.usedAt, revokedAt: patientLinkCode.revokedAt, patientId: patientLinkCode.patientId })
		.from(patientLinkCode)
		.where(eq(patientLinkCode.codeHash, codeHash));
	if (!row || row.revokedAt) throw invalidCode();
	if (!row.usedAt) throw new AppError('link_code_expired', 400, 'This link code has expired', 'code');
	if (row.usedBy === userId) {
		const [record] = await tx
			.select({ id: patient.id, refNo: patient.refNo, clinicCode: clinic.code, clinicName: clinic.name })
			.from(patient)
			.innerJoin(clinic, eq(clinic.id, patient.clinicId))
			.where(and(eq(patient.id, row.patientId), eq(patient.userId, userId)));
		if (record) return view(record);
	}
	throw conflict('This link code was already used', 'link_code_used', 'code');
}

function view(record: { id: string; refNo: number; clinicCode: string; clinicName: string }): AccountLink {
	return { patientId: record.id, clinicCode: record.clinicCode, clinicName: record.clinicName, patientRef: formatRef(record.clinicCode, 'P', record.refNo) };
}
