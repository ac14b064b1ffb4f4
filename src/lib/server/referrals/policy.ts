import type { ClinicActor } from '../tenancy/policy';
import type { Role } from '../db/schema';

export type ReferralAction = 'referral.send' | 'referral.view' | 'referral.respond';

const rules: Record<ReferralAction, readonly Role[]> = {
	/** A doctor refers a patient they are seeing. */
	'referral.send': ['doctor'],
	/** Referrals carry clinical notes: the clinic's clinicians only. */
	'referral.view': ['doctor', 'nurse'],
	/** Accepting or declining is the receiving doctor's own decision (checked against the referral). */
	'referral.respond': ['doctor']
};

export function can(actor: ClinicActor, action: ReferralAction): boolean {
	return actor.role !== null && rules[action].includes(actor.role);
}
