import { and, asc, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { appUser, clinic, patient, referral } from '../db/schema';
import type { Db } from '../db';
import type { DocumentRef } from '../../sync/protocol';
import type { ProjectionContent } from '../sync/projection';
import type { ReferralsContent } from '../../sync/contracts/referrals';
import { formatRef } from '../tenancy/counters';

const fromClinic = alias(clinic, 'from_clinic');

/** `clinic/{id}/referrals`: the open referrals sent to the clinic's doctors, oldest first. */
export async function projectClinicReferrals(db: Db, ref: DocumentRef): Promise<ProjectionContent> {
	if (ref.type !== 'referrals') throw new Error(`referrals projection asked for ${ref.type}`);
	const rows = await db
		.select({
			row: referral,
			patientName: patient.name,
			patientRefNo: patient.refNo,
			fromCode: fromClinic.code,
			fromName: fromClinic.name,
			fromDoctorName: appUser.name
		})
		.from(referral)
		.innerJoin(patient, eq(patient.id, referral.patientId))
		.innerJoin(fromClinic, eq(fromClinic.id, referral.clinicId))
		.innerJoin(appUser, eq(appUser.id, referral.fromDoctorId))
		.where(and(eq(referral.toClinicId, ref.clinicId), inArray(referral.status, ['sent', 'accepted', 'booked'])))
		.orderBy(asc(referral.createdAt))
		.limit(500);
	return {
		referrals: rows.flatMap(({ row, ...s }) => {
			if (row.status !== 'sent' && row.status !== 'accepted' && row.status !== 'booked') return [];
			return [
				{
					id: row.id,
					ref: formatRef(s.fromCode, 'R', row.refNo),
					status: row.status,
					toDoctorId: row.toDoctorId,
					patientName: s.patientName,
					patientRef: formatRef(s.fromCode, 'P', s.patientRefNo),
					toPatientId: row.toPatientId,
					fromDoctorName: s.fromDoctorName,
					fromClinicName: row.clinicId === ref.clinicId ? null : s.fromName,
					note: row.note,
					discountPercent: row.discountPercent,
					discountAmount: row.discountAmount,
					createdAt: row.createdAt.toISOString()
				}
			];
		})
	} satisfies ReferralsContent;
}
