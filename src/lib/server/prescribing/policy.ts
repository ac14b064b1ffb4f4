import type { ClinicActor } from '../tenancy/policy';
import type { Role } from '../db/schema';

export type PrescribingAction = 'prescription.write' | 'prescription.view';

const rules: Record<PrescribingAction, readonly Role[]> = {
	/** Only the visit's own doctor writes its prescription (named by the resource). */
	'prescription.write': ['doctor'],
	/** The clinicians and the pharmacy that dispenses it; never the desk. */
	'prescription.view': ['doctor', 'nurse', 'pharmacist']
};

/** `doctorId` is the visit's doctor: of the doctors, only they write its prescription. */
export function can(actor: ClinicActor, action: PrescribingAction, visit: { doctorId?: string } = {}): boolean {
	if (!actor.role || !rules[action].includes(actor.role)) return false;
	if (action === 'prescription.write') return visit.doctorId === undefined || visit.doctorId === actor.userId;
	return true;
}
