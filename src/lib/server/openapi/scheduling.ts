import { z } from 'zod';
import { appointmentStatus, waitlistStatus } from '../db/schema/scheduling';
import { availabilityInput, bookRequestInput, cancelInput, closureInput, rescheduleInput, waitlistAcceptInput, waitlistInput } from '../scheduling/schema';
import { clinicCode } from '../tenancy/schema';
import { PATIENT_BOOKING_DAYS, PATIENT_OPEN_LIMIT, patientCancelInput, patientRequestInput } from '../scheduling/patientBooking';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, clash, errorBody, errors, idempotent, jsonContent, jsonRequest, jsonResponse, pathParameter, ref } from './common';
import { appointmentTypesApi } from './appointmentTypes';
import type { ApiContribution, Parameter } from './types';

/* Responses: parsing through these drops every field the document does not promise. */

export const appointmentView = z.object({
	id: z.uuid(),
	ref: z.string().meta({ description: 'Human reference, e.g. `SHF01-A1042`.' }),
	refNo: z.number().int(),
	patientId: z.uuid(),
	doctorId: z.uuid(),
	status: z.enum(appointmentStatus.enumValues),
	reason: z.string(),
	start: z.string().meta({ description: 'ISO 8601 instant (UTC).' }),
	end: z.string().meta({ description: 'ISO 8601 instant (UTC).' })
});

export const appointmentsView = z.object({
	appointments: z.array(
		appointmentView.extend({
			patientName: z.string(),
			patientRef: z.string(),
			doctorName: z.string(),
			type: z
				.object({ id: z.uuid(), name: z.string(), color: z.string() })
				.nullable()
				.meta({ description: 'The appointment type it was booked as (archived ones too), or null.' })
		})
	)
});

/** A recurring booking: its appointments and, with `skipClashes`, the dates left out. */
export const appointmentSeriesView = z.object({
	seriesId: z.uuid().meta({ description: 'Shared by every appointment of the series.' }),
	appointments: z.array(appointmentView).meta({ description: 'The appointments booked, earliest first.' }),
	skipped: z.array(clash).meta({ description: 'The dates not booked because they clashed (only with `skipClashes`).' })
});

export const slotsView = z.object({
	slots: z.array(z.object({ start: z.string().meta({ description: 'ISO 8601 with the clinic’s offset.' }), end: z.string() }))
});

/** What a change that closed days did with the appointments on them (both empty when there were none). */
const closedDayOutcome = {
	cancelledAppointments: z.array(z.uuid()).meta({ description: 'The appointments cancelled (`appointments: "cancel_and_notify"`); each patient is told.' }),
	keptAppointments: z.array(z.uuid()).meta({ description: 'The appointments kept on the closed days (`appointments: "keep"`), for the desk to move.' })
};

/** A live appointment on a day being closed, as 409 `day_has_appointments` lists it. */
export const affectedAppointmentView = z.object({
	id: z.uuid(),
	ref: z.string().meta({ description: 'Human reference, e.g. `SHF01-A1042`.' }),
	day: z.string().meta({ description: 'The clinic-local date, YYYY-MM-DD.' }),
	start: z.string().meta({ description: 'ISO 8601 instant (UTC).' }),
	end: z.string().meta({ description: 'ISO 8601 instant (UTC).' }),
	status: z.enum(appointmentStatus.enumValues),
	doctorId: z.uuid(),
	doctorName: z.string(),
	patientId: z.uuid(),
	patientName: z.string(),
	patientRef: z.string()
});

export const dayHasAppointmentsView = z.object({
	error: errorBody.shape.error.extend({
		code: z.literal('day_has_appointments'),
		appointments: z.array(affectedAppointmentView).meta({
			description:
				'The requested, confirmed and checked-in appointments on the days the request would close, or outside the hours it gives a date, soonest first. Nothing was saved.'
		})
	})
});

export const availabilityView = z.object({
	...closedDayOutcome,
	weekly: z.array(
		z.object({
			weekday: z.number().int(),
			start: z.string(),
			end: z.string(),
			slotMinutes: z.number().int(),
			breaks: z.array(z.object({ start: z.string(), end: z.string() }))
		})
	),
	exceptions: z.array(
		z.object({
			date: z.string(),
			start: z.string().optional(),
			end: z.string().optional(),
			slotMinutes: z.number().int().optional(),
			off: z.boolean(),
			reason: z.string()
		})
	)
});

export const waitlistEntryView = z.object({
	id: z.uuid(),
	patientId: z.uuid(),
	doctorId: z.uuid(),
	status: z.enum(waitlistStatus.enumValues),
	offeredStart: z.string().nullable(),
	note: z.string()
});
export const waitlistView = z.object({ entries: z.array(waitlistEntryView.extend({ patientName: z.string() })) });
export const waitlistAcceptedView = z.object({
	appointment: appointmentView,
	movedFrom: z.string().nullable().meta({ description: 'When the patient’s appointment was moved rather than a new one booked: its old start.' })
});

export const closureView = z.object({ id: z.uuid(), day: z.string(), reason: z.string(), ...closedDayOutcome });

/* The patient's own app: their appointments across their clinics, and what they may book. */
export const patientAppointmentView = z.object({
	id: z.uuid(),
	ref: z.string(),
	start: z.string().meta({ description: 'ISO 8601 instant (UTC); show it in `timeZone`.' }),
	end: z.string(),
	status: z.enum(appointmentStatus.enumValues),
	doctorName: z.string(),
	clinicName: z.string(),
	clinicCode: z.string(),
	timeZone: z.string().meta({ description: 'The clinic’s IANA time zone.' }),
	cancellable: z.boolean().meta({ description: 'Requested or confirmed, and not begun: the patient may cancel it.' })
});
export const patientAppointmentsView = z.object({ appointments: z.array(patientAppointmentView) });
export const bookingOptionsView = z.object({
	clinics: z.array(z.object({ code: z.string(), name: z.string() })).meta({ description: 'The clinics whose records are linked to this account.' }),
	clinic: z
		.object({ code: z.string(), name: z.string(), timeZone: z.string() })
		.nullable()
		.meta({ description: 'The clinic the options are for; null when the account is linked to none.' }),
	doctors: z.array(z.object({ id: z.uuid(), name: z.string() })),
	doctorId: z.uuid().nullable(),
	date: z.string().nullable(),
	firstDay: z.string().nullable(),
	lastDay: z.string().nullable(),
	slots: z.array(z.object({ start: z.string(), end: z.string() }))
});

const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01`.', jsonSchemaOf(clinicCode, 'input'));
const uuidParameter = (name: string, description: string): Parameter => pathParameter(name, description, { type: 'string', format: 'uuid' });
const scoped = ['Unauthenticated', 'NotFound'] as const;
const dayHasAppointments = {
	description: 'The change would close days that hold live appointments (`day_has_appointments`); `error.appointments` lists them and nothing was saved.',
	content: jsonContent(ref('DayHasAppointments'))
};

const action = (operationId: string, summary: string, description: string, body: z.ZodType | undefined, key: 'required' | 'optional') => {
	const post = {
		operationId,
		summary,
		description,
		tags: ['scheduling'],
		...(body ? { requestBody: jsonRequest(body) } : {}),
		responses: { '200': jsonResponse('The appointment after the change.', 'Appointment'), ...errors(...bodyErrors, ...scoped, 'Forbidden', 'Conflict') }
	};
	return { post: idempotent(post, { required: key === 'required' }) };
};

export const schedulingApi: ApiContribution = {
	tag: { name: 'scheduling', description: 'Doctors’ availability, free slots, appointments and the waitlist. Times in requests carry an offset.' },
	schemas: {
		Appointment: jsonSchemaOf(appointmentView, 'output'),
		Appointments: jsonSchemaOf(appointmentsView, 'output'),
		Slots: jsonSchemaOf(slotsView, 'output'),
		Availability: jsonSchemaOf(availabilityView, 'output'),
		WaitlistEntry: jsonSchemaOf(waitlistEntryView, 'output'),
		WaitlistAccepted: jsonSchemaOf(waitlistAcceptedView, 'output'),
		Waitlist: jsonSchemaOf(waitlistView, 'output'),
		Closure: jsonSchemaOf(closureView, 'output'),
		DayHasAppointments: jsonSchemaOf(dayHasAppointmentsView, 'output'),
		PatientAppointment: jsonSchemaOf(patientAppointmentView, 'output'),
		PatientAppointments: jsonSchemaOf(patientAppointmentsView, 'output'),
		BookingOptions: jsonSchemaOf(bookingOptionsView, 'output'),
		AppointmentSeries: jsonSchemaOf(appointmentSeriesView, 'output'),
		...appointmentTypesApi.schemas
	},
	paths: {
		...appointmentTypesApi.paths,
		'/clinics/{code}/doctors/{userId}/availability': {
			parameters: [codeParameter, uuidParameter('userId', 'The doctor’s user id.')],
			put: {
				operationId: 'putAvailability',
				summary: 'Replace a doctor’s weekly template and upcoming exceptions',
				description:
					'Clinic-local times. Weekday 1 is Monday. Slot lengths: 10, 15, 20 or 30 minutes. Admins, reception, or the doctor themself. ' +
					'When an exception puts the doctor on leave (`off: true`) on a day that was not already on leave and holds requested, confirmed or checked-in appointments with them, ' +
					'or adds, changes or removes a date’s hours so that they no longer hold some of those appointments (09:00–17:00 cut to 09:00–12:00), ' +
					'nothing is saved and the answer is 409 `day_has_appointments` listing them in `error.appointments`; send again with `appointments: "cancel_and_notify"` or `"keep"`. ' +
					'Checked-in appointments are never cancelled this way: they are kept and reported in `keptAppointments`. A change of the weekly hours alone is not checked. ' +
					'The freed times are not offered to the waitlist: nobody can be booked on them.',
				tags: ['scheduling'],
				requestBody: jsonRequest(availabilityInput),
				responses: {
					'200': jsonResponse('Saved.', 'Availability'),
					...errors(...bodyErrors, ...scoped, 'Forbidden'),
					'409': dayHasAppointments
				}
			}
		},
		'/clinics/{code}/slots': {
			parameters: [codeParameter],
			get: {
				operationId: 'listSlots',
				summary: 'A doctor’s free slots on a clinic-local date',
				tags: ['scheduling'],
				parameters: [
					{ name: 'doctor', in: 'query', required: true, description: 'The doctor’s user id.', schema: { type: 'string', format: 'uuid' } },
					{ name: 'date', in: 'query', required: true, description: 'YYYY-MM-DD in the clinic’s time zone.', schema: { type: 'string', format: 'date' } },
					{
						name: 'typeId',
						in: 'query',
						required: false,
						description:
							'An appointment type of the clinic: slots then last its length (still starting on the doctor’s grid). An archived type is accepted here (to move an appointment of it) but not for booking; another clinic’s type is 404.',
						schema: { type: 'string', format: 'uuid' }
					}
				],
				responses: { '200': jsonResponse('Free slots, earliest first.', 'Slots'), ...errors('BadRequest', ...scoped) }
			}
		},
		'/clinics/{code}/appointments': {
			parameters: [codeParameter],
			get: {
				operationId: 'listAppointments',
				summary: 'Every appointment of a clinic-local date',
				tags: ['scheduling'],
				parameters: [
					{ name: 'date', in: 'query', required: true, description: 'YYYY-MM-DD in the clinic’s time zone.', schema: { type: 'string', format: 'date' } }
				],
				responses: { '200': jsonResponse('The day’s appointments.', 'Appointments'), ...errors('BadRequest', ...scoped) }
			},
			post: idempotent(
				{
					operationId: 'bookAppointment',
					summary: 'Book a patient with a doctor in a free slot, once or every n days',
					description:
						'`start` must be the start of a slot of the doctor’s schedule. Exactly one of several simultaneous bookings of a slot succeeds; the others get 409 `slot_taken`. ' +
						'With `typeId` (an appointment type of the clinic, in use) the appointment lasts the type’s length. ' +
						'With `repeat` (`everyDays` 1 to 28, `count` 2 to 26 including the first) it books a series at the same clinic time, all in one transaction, and answers `AppointmentSeries`: ' +
						'if any date clashes (taken, doctor off, clinic closed, outside hours) nothing is booked and the answer is 409 `series_clashes` with every clashing date in `error.clashes`, ' +
						'unless `skipClashes` is true, which books the other dates and lists the skipped ones. ' +
						'Retrying with the same key returns the first booking (or series) instead of booking twice.',
					tags: ['scheduling'],
					requestBody: jsonRequest(bookRequestInput),
					responses: {
						'201': {
							description: 'Booked: one `Appointment`, or an `AppointmentSeries` when the request had `repeat`.',
							content: jsonContent({ oneOf: [ref('Appointment'), ref('AppointmentSeries')] })
						},
						...errors(...bodyErrors, ...scoped, 'Forbidden', 'Conflict')
					}
				},
				{ required: true }
			)
		},
		'/clinics/{code}/appointments/{id}/reschedule': {
			parameters: [codeParameter, uuidParameter('id', 'The appointment id.')],
			...action(
				'rescheduleAppointment',
				'Move an appointment to another slot (or doctor)',
				'A taken slot answers 409 `slot_taken`.',
				rescheduleInput,
				'required'
			)
		},
		'/clinics/{code}/appointments/{id}/cancel': {
			parameters: [codeParameter, uuidParameter('id', 'The appointment id.')],
			...action(
				'cancelAppointment',
				'Cancel an appointment, with a reason',
				'The freed slot is offered to the first patient on the doctor’s waitlist.',
				cancelInput,
				'required'
			)
		},
		'/clinics/{code}/appointments/{id}/confirm': {
			parameters: [codeParameter, uuidParameter('id', 'The appointment id.')],
			...action('confirmAppointment', 'Confirm a requested appointment', 'The doctor it is with, or the desk and admins.', undefined, 'optional')
		},
		'/clinics/{code}/appointments/{id}/decline': {
			parameters: [codeParameter, uuidParameter('id', 'The appointment id.')],
			...action('declineAppointment', 'Decline a requested appointment', 'The doctor it is with, or the desk and admins.', undefined, 'optional')
		},
		'/clinics/{code}/appointments/{id}/no-show': {
			parameters: [codeParameter, uuidParameter('id', 'The appointment id.')],
			...action('markNoShow', 'Mark that the patient did not come', 'Only once the appointment has begun (409 `too_early` before).', undefined, 'optional')
		},
		'/clinics/{code}/appointments/{id}.ics': {
			parameters: [codeParameter, uuidParameter('id', 'The appointment id.')],
			get: {
				operationId: 'appointmentCalendarFile',
				summary: 'The appointment as an iCalendar file',
				tags: ['scheduling'],
				responses: {
					'200': { description: 'An iCalendar (RFC 5545) file.', content: { 'text/calendar': { schema: { type: 'string' } } } },
					...errors(...scoped)
				}
			}
		},
		'/clinics/{code}/waitlist': {
			parameters: [codeParameter],
			get: {
				operationId: 'listWaitlist',
				summary: 'Patients waiting for an earlier slot, and the offers made to them',
				tags: ['scheduling'],
				responses: { '200': jsonResponse('The waitlist.', 'Waitlist'), ...errors(...scoped) }
			},
			post: {
				operationId: 'joinWaitlist',
				summary: 'Put a patient on a doctor’s waitlist',
				tags: ['scheduling'],
				requestBody: jsonRequest(waitlistInput),
				responses: { '201': jsonResponse('Added.', 'WaitlistEntry'), ...errors(...bodyErrors, ...scoped, 'Forbidden') }
			}
		},
		'/clinics/{code}/waitlist/{id}': {
			parameters: [codeParameter, uuidParameter('id', 'The waitlist entry id.')],
			delete: {
				operationId: 'withdrawFromWaitlist',
				summary: 'Take a patient off the waitlist',
				description: 'An open offer is passed to the next patient waiting.',
				tags: ['scheduling'],
				responses: { '204': { description: 'Withdrawn.' }, ...errors(...scoped, 'Forbidden') }
			}
		},
		'/clinics/{code}/waitlist/{id}/accept': {
			parameters: [codeParameter, uuidParameter('id', 'The waitlist entry id.')],
			post: idempotent(
				{
					operationId: 'acceptWaitlistOffer',
					summary: 'Accept the offered time for the patient',
					description:
						'Moves the appointment named when the patient joined, or books a new one. `409 slot_taken` if the time went meanwhile, `409 offer_not_open` if the offer is closed.',
					tags: ['scheduling'],
					requestBody: jsonRequest(waitlistAcceptInput),
					responses: { '200': jsonResponse('Booked or moved.', 'WaitlistAccepted'), ...errors(...bodyErrors, ...scoped, 'Forbidden', 'Conflict') }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/waitlist/{id}/decline': {
			parameters: [codeParameter, uuidParameter('id', 'The waitlist entry id.')],
			post: {
				operationId: 'declineWaitlistOffer',
				summary: 'Decline the offered time for the patient',
				description: 'The patient keeps their place; the time is offered to the next patient waiting.',
				tags: ['scheduling'],
				responses: { '200': jsonResponse('Waiting again.', 'WaitlistEntry'), ...errors(...scoped, 'Forbidden', 'Conflict') }
			}
		},
		'/me/booking-options': {
			get: {
				operationId: 'patientBookingOptions',
				summary: 'What the signed-in patient may book: their clinics, a clinic’s doctors, a doctor’s free times on a day',
				description: `Each query parameter falls back to a default: the first linked clinic, its first doctor, the clinic’s today. Days from today up to ${PATIENT_BOOKING_DAYS} days ahead.`,
				tags: ['scheduling'],
				parameters: [
					{ name: 'clinic', in: 'query', required: false, description: 'A linked clinic’s code.', schema: { type: 'string' } },
					{ name: 'doctor', in: 'query', required: false, description: 'The doctor’s user id.', schema: { type: 'string', format: 'uuid' } },
					{ name: 'date', in: 'query', required: false, description: 'YYYY-MM-DD in the clinic’s time zone.', schema: { type: 'string', format: 'date' } }
				],
				responses: { '200': jsonResponse('The options.', 'BookingOptions'), ...errors('Unauthenticated') }
			}
		},
		'/me/appointments': {
			get: {
				operationId: 'listMyAppointments',
				summary: 'The signed-in patient’s upcoming appointments at every linked clinic',
				tags: ['scheduling'],
				responses: { '200': jsonResponse('Soonest first.', 'PatientAppointments'), ...errors('Unauthenticated') }
			},
			post: idempotent(
				{
					operationId: 'requestAppointment',
					summary: 'The signed-in patient asks for a free slot with a doctor of a linked clinic',
					description:
						'Always a request (`requested`), whatever the clinic’s auto-confirm setting for staff. `start` must be a free slot of the doctor’s schedule: 409 `slot_taken` if someone took it, 400 `outside_schedule`, `in_the_past`, ' +
						`or \`too_far_ahead\` (over ${PATIENT_BOOKING_DAYS} days). At most ${PATIENT_OPEN_LIMIT} open future appointments per clinic (409 \`booking_limit\`). A clinic the account is not linked to answers 403 \`clinic_not_linked\`. ` +
						'The same key returns the first request.',
					tags: ['scheduling'],
					requestBody: jsonRequest(patientRequestInput),
					responses: { '201': jsonResponse('Requested.', 'Appointment'), ...errors(...bodyErrors, 'Unauthenticated', 'Forbidden', 'Conflict') }
				},
				{ required: true }
			)
		},
		'/me/appointments/{id}/cancel': {
			parameters: [uuidParameter('id', 'The appointment id.')],
			post: idempotent(
				{
					operationId: 'cancelMyAppointment',
					summary: 'The signed-in patient cancels one of their own appointments',
					description:
						'Only a requested or confirmed appointment that has not begun (409 `invalid_transition` otherwise). Someone else’s appointment is not found.',
					tags: ['scheduling'],
					requestBody: jsonRequest(patientCancelInput),
					responses: { '200': jsonResponse('Cancelled.', 'Appointment'), ...errors(...bodyErrors, ...scoped, 'Conflict') }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/closures': {
			parameters: [codeParameter],
			post: {
				operationId: 'addClosure',
				summary: 'A clinic holiday or blackout date (admins)',
				description:
					'From the clinic’s today on. When the day holds requested, confirmed or checked-in appointments, nothing is saved and the answer is 409 `day_has_appointments` listing them in `error.appointments`; ' +
					'send again with `appointments: "cancel_and_notify"` (each is cancelled, reason: the clinic is closed, and its patient told; a checked-in one is kept, the patient being here) or `"keep"` (they stay, to be moved on the calendar). ' +
					'A booking made while the closure is being saved either lands before it (and is listed) or is refused with 400 `outside_schedule`. The freed times are not offered to the waitlist.',
				tags: ['scheduling'],
				requestBody: jsonRequest(closureInput),
				responses: {
					'201': jsonResponse('Added.', 'Closure'),
					...errors(...bodyErrors, ...scoped, 'Forbidden'),
					'409': dayHasAppointments
				}
			}
		}
	}
};
