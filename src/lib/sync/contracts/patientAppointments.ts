import * as z from 'zod/mini';

/**
 * The contract of `patient/{id}/appointments`: one patient record's upcoming appointments as the
 * patient's app shows them, and those the clinic cancelled, with why. Browser-safe (zod/mini, no
 * Node imports). As with the other contracts, unknown fields are dropped and a changed or
 * missing field, or a status this build does not know, is a mismatch ("update the app").
 */

/** What the patient's list shows: their open appointments, and the ones the clinic cancelled. */
export const PATIENT_APPOINTMENT_STATUSES = ['requested', 'confirmed', 'checked_in', 'cancelled'] as const;

/**
 * Why the clinic cancelled: the clinic closed that day, the doctor went on leave, the doctor's
 * hours that day no longer held it (all three from a closure, leave or hours saved with "cancel
 * and notify"), or the desk cancelled it (`reason` is then
 * the words the desk gave, possibly empty). The words given for a closure or leave are not shown.
 */
export const CANCELLATION_CAUSES = ['clinic_closed', 'doctor_leave', 'doctor_hours', 'clinic'] as const;

const instant = z.string();

export const patientAppointmentContract = z.object({
	id: z.string(),
	ref: z.string(),
	start: instant,
	end: instant,
	status: z.enum(PATIENT_APPOINTMENT_STATUSES),
	doctor: z.string(),
	/** The clinic's appointment type's name, or null. */
	type: z.nullable(z.string()),
	/** Set only for an appointment the clinic cancelled. */
	cancellation: z.nullable(z.object({ cause: z.enum(CANCELLATION_CAUSES), reason: z.string() }))
});

/** `patient/{id}/appointments`: the record's clinic (null once the record is gone) and its appointments, soonest first. */
export const patientAppointmentsContract = z.object({
	clinic: z.nullable(z.object({ name: z.string(), code: z.string(), timezone: z.string() })),
	appointments: z.array(patientAppointmentContract)
});

export type PatientAppointmentsContent = z.infer<typeof patientAppointmentsContract>;
export type PatientAppointmentEntry = z.infer<typeof patientAppointmentContract>;
export type CancellationCause = (typeof CANCELLATION_CAUSES)[number];
