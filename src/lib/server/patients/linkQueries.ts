import { and, asc, desc, eq, gt, isNull } from 'drizzle-orm';
import { appUser, clinic } from '../db/schema';
import { patient, patientLinkCode } from '../db/schema/patients';
import type { Db } from '../db';
import { formatRef } from '../tenancy/counters';
import type { AccountLink } from './linkPatientAccount';

/** Reads about app accounts linked to clinic records. */

export type RecordAccount = {
	/** The linked account, or null when the record has none. */
	account: { name: string; email: string } | null;
	/** When the record's open code stops working; the code itself is not kept. */
	openCodeExpiresAt: Date | null;
};

/** What the patient page shows about the record's app account. */
export async function recordAccount(db: Db, clinicId: string, patientId: string): Promise<RecordAccount> {
	const [linked] = await db
		.select({ name: appUser.name, email: appUser.email })
		.from(patient)
		.innerJoin(appUser, eq(appUser.id, patient.userId))
		.where(and(eq(patient.clinicId, clinicId), eq(patient.id, patientId)));
	if (linked) return { account: linked, openCodeExpiresAt: null };
	const [open] = await db
		.select({ expiresAt: patientLinkCode.expiresAt })
		.from(patientLinkCode)
		.where(
			and(
				eq(patientLinkCode.clinicId, clinicId),
				eq(patientLinkCode.patientId, patientId),
				isNull(patientLinkCode.usedAt),
				isNull(patientLinkCode.revokedAt),
				gt(patientLinkCode.expiresAt, new Date())
			)
		)
		.orderBy(desc(patientLinkCode.createdAt))
		.limit(1);
	return { account: null, openCodeExpiresAt: open?.expiresAt ?? null };
}

/** The clinic records an account is linked to, by clinic name: what /me and GET /me/links list. */
export async function accountLinks(db: Db, userId: string): Promise<AccountLink[]> {
	const rows = await db
		.select({ patientId: patient.id, refNo: patient.refNo, clinicCode: clinic.code, clinicName: clinic.name })
		.from(patient)
		.innerJoin(clinic, eq(clinic.id, patient.clinicId))
		.where(and(eq(patient.userId, userId), isNull(patient.mergedIntoId)))
		.orderBy(asc(clinic.name), asc(clinic.code));
	return rows.map((r) => ({ patientId: r.patientId, clinicCode: r.clinicCode, clinicName: r.clinicName, patientRef: formatRef(r.clinicCode, 'P', r.refNo) }));
}
