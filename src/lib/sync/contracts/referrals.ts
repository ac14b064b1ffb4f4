import * as z from 'zod/mini';

/**
 * The contract of `clinic/{clinicId}/referrals`: the referrals sent to the clinic's doctors that
 * still wait for something (an answer, a booking, the visit). What `projectClinicReferrals` writes
 * and the referrals screen reads. Browser-safe. Unknown fields are dropped; a changed or missing
 * field is a mismatch the screen shows as "update the app".
 */

export const OPEN_REFERRAL_STATUSES = ['sent', 'accepted', 'booked'] as const;

export const referralEntryContract = z.object({
	id: z.string(),
	/** The sending clinic's reference, `ABC01-R12`. */
	ref: z.string(),
	status: z.enum(OPEN_REFERRAL_STATUSES),
	toDoctorId: z.string(),
	patientName: z.string(),
	patientRef: z.string(),
	/** The receiving clinic's record of the patient, once known (the same record within a clinic). */
	toPatientId: z.nullable(z.string()),
	fromDoctorName: z.string(),
	/** Null within the clinic; the sending branch's name otherwise. */
	fromClinicName: z.nullable(z.string()),
	note: z.string(),
	discountPercent: z.nullable(z.number()),
	discountAmount: z.nullable(z.number()),
	createdAt: z.string()
});

export const referralsContract = z.object({ referrals: z.array(referralEntryContract) });

export type ReferralEntry = z.infer<typeof referralEntryContract>;
export type ReferralsContent = z.infer<typeof referralsContract>;
