import type { ClinicActor } from '../tenancy/policy';
import type { Role } from '../db/schema';

export type PharmacyAction = 'pharmacy.view';

const rules: Record<PharmacyAction, readonly Role[]> = {
	/** The dispensing worklist: the pharmacy works it, admins oversee it, doctors see where their prescriptions are. */
	'pharmacy.view': ['admin', 'pharmacist', 'doctor']
};

export function can(actor: ClinicActor, action: PharmacyAction): boolean {
	return actor.role !== null && rules[action].includes(actor.role);
}
