import type { ClinicActor } from '../tenancy/policy';
import type { Role } from '../db/schema';

export type PharmacyAction =
	| 'pharmacy.view'
	| 'medicine.search'
	| 'medicine.add'
	| 'medicine.import'
	| 'medicine.copy'
	| 'medicine.stockLevels'
	| 'stock.view'
	| 'stock.receive'
	| 'stock.adjust'
	| 'stock.transfer'
	| 'supplier.manage'
	| 'prescription.dispense'
	| 'prescription.status';

const rules: Record<PharmacyAction, readonly Role[]> = {
	/** The dispensing worklist: the pharmacy works it, admins oversee it, doctors see where their prescriptions are. */
	'pharmacy.view': ['admin', 'pharmacist', 'doctor'],
	/** The catalogue says nothing about patients: anyone who works in the clinic looks medicines up. */
	'medicine.search': ['admin', 'doctor', 'nurse', 'reception', 'pharmacist'],
	/** A doctor adds the medicine they are about to prescribe; admins keep the list. */
	'medicine.add': ['admin', 'doctor'],
	/** Whole lists (a CSV, a branch's catalogue) change what every prescriber picks from: admins only. */
	'medicine.import': ['admin'],
	'medicine.copy': ['admin'],
	/** Whether a medicine is in stock (not batches or prices): the prescriber sees it in the prescription form. */
	'medicine.stockLevels': ['admin', 'pharmacist', 'doctor', 'nurse'],
	/** Batches, movements, reports and alerts: the pharmacy's and the administrator's. */
	'stock.view': ['admin', 'pharmacist'],
	'stock.receive': ['admin', 'pharmacist'],
	'stock.adjust': ['admin', 'pharmacist'],
	'stock.transfer': ['admin', 'pharmacist'],
	/** Suppliers and purchase orders (stock counts are `stock.adjust`: they post adjustments). */
	'supplier.manage': ['admin', 'pharmacist'],
	/** Preparing, dispensing, handing over and taking back a patient's medicines. */
	'prescription.dispense': ['admin', 'pharmacist'],
	/** Where a patient's prescription is (waiting, ready, collected), without its medicines: the desk tells the patient. */
	'prescription.status': ['admin', 'pharmacist', 'doctor', 'nurse', 'reception']
};

export function can(actor: ClinicActor, action: PharmacyAction): boolean {
	return actor.role !== null && rules[action].includes(actor.role);
}
