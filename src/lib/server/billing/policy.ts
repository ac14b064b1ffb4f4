import type { ClinicActor } from '../tenancy/policy';
import type { Role } from '../db/schema';

export type BillingAction =
	| 'invoice.view'
	| 'invoice.create'
	| 'invoice.issue'
	| 'payment.take'
	| 'payment.refund'
	| 'invoice.void'
	| 'invoice.credit'
	| 'day.close'
	| 'earnings.view'
	| 'earnings.manage'
	| 'service.view'
	| 'service.manage'
	| 'payee.view'
	| 'payee.manage'
	| 'report.view';

const rules: Record<BillingAction, readonly Role[]> = {
	/** Invoices name patients and what was done for them: the desk and admins. */
	'invoice.view': ['admin', 'reception'],
	/** The desk writes and issues invoices and takes payments. */
	'invoice.create': ['admin', 'reception'],
	'invoice.issue': ['admin', 'reception'],
	'payment.take': ['admin', 'reception'],
	/** Money going back and invoices undone need an admin. */
	'payment.refund': ['admin'],
	'invoice.void': ['admin'],
	'invoice.credit': ['admin'],
	/** Each desk closes its own day: counts what it took against its payments. */
	'day.close': ['admin', 'reception'],
	/** A doctor sees their own earnings (the command checks whose), admins everyone's; admins set the shares. */
	'earnings.view': ['admin', 'doctor'],
	'earnings.manage': ['admin'],
	/** The price list: everyone billing or explaining a bill reads it; admins set it. */
	'service.view': ['admin', 'reception', 'doctor', 'pharmacist'],
	'service.manage': ['admin'],
	/** Who payment QR codes pay: the desk shows the codes, admins set the payee. */
	'payee.view': ['admin', 'reception'],
	'payee.manage': ['admin'],
	/** The clinic's revenue, per doctor and method: the administrator's. */
	'report.view': ['admin']
};

export function can(actor: ClinicActor, action: BillingAction): boolean {
	return actor.role !== null && rules[action].includes(actor.role);
}
