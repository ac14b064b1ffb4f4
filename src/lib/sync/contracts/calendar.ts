import * as z from 'zod/mini';

/**
 * The contract of the calendar's live document: what `projectClinicCalendar` writes and what the
 * calendar screens may rely on. Browser-safe (zod/mini, no Node imports). As with the queue's
 * contracts (queue.ts), unknown fields are dropped and a changed or missing field, or a status
 * this build does not know, is a mismatch the screen shows as "update the app".
 */

/** Every status an appointment may have; the calendar draws and labels each one. */
export const APPOINTMENT_STATUSES = ['requested', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show', 'declined'] as const;

const instant = z.string();

export const calendarAppointmentContract = z.object({
	id: z.string(),
	ref: z.string(),
	patientId: z.string(),
	patientName: z.string(),
	patientRef: z.string(),
	doctorId: z.string(),
	start: instant,
	end: instant,
	status: z.enum(APPOINTMENT_STATUSES),
	reason: z.string(),
	/** The clinic's appointment type it was booked as (its colour is `#rrggbb`), or null. */
	type: z.nullable(z.object({ id: z.string(), name: z.string(), color: z.string().check(z.regex(/^#[0-9a-f]{6}$/)) }))
});

export const calendarDoctorContract = z.object({ id: z.string(), name: z.string() });

/** A stretch of a doctor's working time that day (instants); the grid shades the rest of their column. */
export const calendarHoursContract = z.object({ doctorId: z.string(), start: instant, end: instant });

/** `clinic/{id}/day/{date}/calendar`: a clinic-day's appointments and working hours (a clinic that no longer exists has only the day and empty lists). */
export const calendarContract = z.object({
	day: z.string(),
	timezone: z.optional(z.string()),
	doctors: z.array(calendarDoctorContract),
	hours: z.array(calendarHoursContract),
	appointments: z.array(calendarAppointmentContract)
});

export type CalendarContent = z.infer<typeof calendarContract>;
export type CalendarAppointment = z.infer<typeof calendarAppointmentContract>;
export type CalendarDoctor = z.infer<typeof calendarDoctorContract>;
export type CalendarHours = z.infer<typeof calendarHoursContract>;
export type AppointmentStatus = CalendarAppointment['status'];
export type CalendarAppointmentType = NonNullable<CalendarAppointment['type']>;
