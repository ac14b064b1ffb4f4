/** One field's problem as an edge sends it: the field (a dotted path), its specific code and the sentence for people. */
export type FieldMessage = { field: string; code: string; message: string };

/**
 * A refusal as forms and API clients receive it. `code`, `message` and `field` describe the first
 * problem (`code` keeps the general code clients already match on); `fields` names every field's
 * problem, the first one first. Errors made in the browser may carry only `field`.
 */
export type FormError = { code: string; message: string; field?: string; fields?: FieldMessage[]; clashes?: ClashMessage[] } & RefusalLists;

/** A date of a recurring booking that cannot be booked, with the reason's code and its sentence (`series_clashes`). */
export type ClashMessage = { date: string; start: string; reason: string; message: string };

/**
 * A live appointment that a change of hours would leave on a day nobody works (a closure, a
 * doctor's leave), as the refusal `day_has_appointments` lists it: enough to show it and find it.
 */
export type AffectedAppointment = {
	id: string;
	ref: string;
	/** The clinic-local date (`YYYY-MM-DD`) it falls on. */
	day: string;
	start: string;
	end: string;
	status: string;
	doctorId: string;
	doctorName: string;
	patientId: string;
	patientName: string;
	patientRef: string;
};

/** The details a refusal carries, each in a list of its own name inside `error` (never in the sentence). */
export type RefusalLists = { appointments?: AffectedAppointment[]; warnings?: PrescriptionWarning[] };

/** A prescribing warning that stands until overridden with a reason (`prescription_warning`). */
export type PrescriptionWarning = { id: string; kind: 'allergy' | 'duplicate' | 'interaction'; message: string };
