import type { ClinicActor } from '../tenancy/policy';
import type { Role } from '../db/schema';

export type PatientAction =
	'patient.view' | 'patient.register' | 'patient.edit' | 'patient.merge' | 'patient.documents' | 'patient.account.view' | 'patient.account.link';

const rules: Record<PatientAction, readonly Role[]> = {
	'patient.view': ['admin', 'doctor', 'reception', 'pharmacist'],
	'patient.register': ['admin', 'doctor', 'reception'],
	'patient.edit': ['admin', 'doctor', 'reception'],
	'patient.merge': ['admin', 'reception'],
	'patient.documents': ['admin', 'doctor', 'reception'],
	/** Whether the record is linked to a patient's app account, and to whose. */
	'patient.account.view': ['admin', 'doctor', 'reception'],
	/** Handing out link codes and unlinking: the desk's job. */
	'patient.account.link': ['admin', 'reception']
};

export function can(actor: ClinicActor, action: PatientAction): boolean {
	return actor.role !== null && rules[action].includes(actor.role);
}
