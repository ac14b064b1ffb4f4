import type { ClinicActor } from '../tenancy/policy';
import type { Role } from '../db/schema';

export type VisitAction = 'chart.view' | 'chart.write' | 'diagnosis.lookup';

const rules: Record<VisitAction, readonly Role[]> = {
	/** The clinical record: clinicians only, never the desk, the pharmacy or the patient. */
	'chart.view': ['doctor'],
	/** Writing is for the visit's own clinicians, named by the resource. */
	'chart.write': ['doctor'],
	/** Looking up ICD-10 codes reveals nothing about patients: anyone who works in the clinic. */
	'diagnosis.lookup': ['admin', 'doctor', 'reception', 'pharmacist']
};

/** `clinicianUserIds` names the visit's clinicians: only they write its chart while it is open. */
export function can(actor: ClinicActor, action: VisitAction, visit: { clinicianUserIds?: readonly string[] } = {}): boolean {
	if (!actor.role || !rules[action].includes(actor.role)) return false;
	return action !== 'chart.write' || (visit.clinicianUserIds ?? []).includes(actor.userId);
}
