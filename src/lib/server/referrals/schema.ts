import { z } from 'zod';
import { idempotencyKeyInput } from '../command';
import { clinicCode, requiredText } from '../tenancy/schema';
import { uuid } from '../text';

/**
 * A billing instruction carried with the referral: a percentage off, or an amount off in integer
 * minor units of the receiving clinic's currency; never both.
 */
export const referralDiscount = z.union([
	z.object({ percent: z.number().int().min(1).max(100) }).strict(),
	z.object({ amount: z.number().int().min(1).max(100_000_000) }).strict()
]);

export const createReferralInput = z.object({
	patientId: uuid(),
	visitId: uuid().optional(),
	toDoctorId: uuid(),
	/** A branch's code; absent for a colleague of the same clinic. */
	toClinic: clinicCode.optional(),
	note: requiredText(2000),
	discount: referralDiscount.optional(),
	idempotencyKey: idempotencyKeyInput.optional()
});

export const acceptReferralInput = z.object({
	/** For a branch's referral: the receiving clinic's own record of the patient (each clinic keeps its own). */
	patientId: uuid().optional(),
	idempotencyKey: idempotencyKeyInput.optional()
});

export const declineReferralInput = z.object({
	reason: requiredText(500),
	idempotencyKey: idempotencyKeyInput.optional()
});

export const listReferralsInput = z.object({ to: z.literal('me').optional(), from: z.literal('me').optional() });

/** Days a sent referral may wait for an answer before its doctor is reminded. */
export const REFERRAL_REMINDER_DAYS = 3;

/** The referral form's choice of doctor: `CODE|doctorId` (the clinic code tells a branch apart). */
export function splitDoctorChoice(choice: string | undefined): { toClinic?: string; toDoctorId: string } {
	const [code, doctorId] = (choice ?? '').split('|');
	return doctorId === undefined ? { toDoctorId: code ?? '' } : { toClinic: code || undefined, toDoctorId: doctorId };
}
