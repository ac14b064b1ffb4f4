import type { ClinicActor } from '../tenancy/policy';
import type { Role } from '../db/schema';

export type PatientAction =
	| 'patient.view'
	| 'patient.register'
	| 'patient.edit'
	| 'patient.merge'
	| 'patient.documents'
	| 'patient.account.view'
	| 'patient.account.link'
	| 'patient.record.view'
	| 'patient.record.write'
	| 'patient.timeline';

const rules: Record<PatientAction, readonly Role[]> = {
	'patient.view': ['admin', 'doctor', 'nurse', 'reception', 'pharmacist'],
	'patient.register': ['admin', 'doctor', 'reception'],
	'patient.edit': ['admin', 'doctor', 'reception'],
	'patient.merge': ['admin', 'reception'],
	'patient.documents': ['admin', 'doctor', 'nurse', 'reception'],
	/** Whether the record is linked to a patient's app account, and to whose. */
	'patient.account.view': ['admin', 'doctor', 'nurse', 'reception'],
	/** Handing out link codes and unlinking: the desk's job. */
	'patient.account.link': ['admin', 'reception'],
	/**
	 * The clinical record (allergies, chronic conditions, current medications, blood group): the
	 * clinicians, and the pharmacy, which checks allergies when it dispenses. Never the desk or admins.
	 */
	'patient.record.view': ['doctor', 'nurse', 'pharmacist'],
	'patient.record.write': ['doctor', 'nurse'],
	/** The EMR timeline shows complaints, diagnoses and notes: clinicians only, never the pharmacy. */
	'patient.timeline': ['doctor', 'nurse']
};

export function can(actor: ClinicActor, action: PatientAction): boolean {
	return actor.role !== null && rules[action].includes(actor.role);
}
