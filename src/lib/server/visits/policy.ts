import type { ClinicActor } from '../tenancy/policy';
import type { Role } from '../db/schema';

export type VisitAction = 'chart.view' | 'chart.write' | 'visit.open' | 'visit.complete' | 'visit.amend' | 'diagnosis.lookup';

const rules: Record<VisitAction, readonly Role[]> = {
	/** The clinical record: clinicians only, never the desk, the pharmacy or the patient. */
	'chart.view': ['doctor', 'nurse'],
	/** Writing is for the visit's own doctor (named by the resource) and the clinic's nurses. */
	'chart.write': ['doctor', 'nurse'],
	/** A doctor opens a visit for themselves (named by the resource); a nurse opens one for a doctor. */
	'visit.open': ['doctor', 'nurse'],
	/** Completing signs the visit off: its own doctor (named by the resource) only. */
	'visit.complete': ['doctor'],
	/** A signed addendum to a completed visit: any doctor or nurse of the clinic, under their own name. */
	'visit.amend': ['doctor', 'nurse'],
	/** Looking up ICD-10 codes reveals nothing about patients: anyone who works in the clinic. */
	'diagnosis.lookup': ['admin', 'doctor', 'nurse', 'reception', 'pharmacist']
};

/**
 * `clinicianUserIds` names the visit's doctors: of the doctors, only they write its chart while
 * it is open, and a doctor opens a visit only with themselves as its doctor.
 */
export function can(actor: ClinicActor, action: VisitAction, visit: { clinicianUserIds?: readonly string[] } = {}): boolean {
	if (!actor.role || !rules[action].includes(actor.role)) return false;
	if ((action !== 'chart.write' && action !== 'visit.open' && action !== 'visit.complete') || actor.role === 'nurse') return true;
	return (visit.clinicianUserIds ?? []).includes(actor.userId);
}
