import * as z from 'zod/mini';
import { PHARMACY_STATUSES } from './pharmacy';

/**
 * The contracts of the queue's live documents: what the server's builders write and what the
 * screens (and Node clients) may rely on. One schema per document kind, imported by the builder
 * (`satisfies`), the API's views and the browser (`safeParse`). zod/mini keeps the kiosk light.
 * Unknown fields are dropped: a newer server may add fields an older screen ignores; a changed or missing
 * field is a mismatch the screen shows as "update the app", never as a wrong queue.
 */

export const QUEUE_STATUSES = ['waiting', 'with_doctor', 'completed', 'skipped', 'no_show', 'cancelled'] as const;
export const ARRIVALS = ['on_time', 'early', 'late', 'walk_in'] as const;

const instant = z.string();
const text = z.nullable(z.string());
const count = z.nullable(z.number());

export const queueTokenContract = z.object({
	id: z.string(),
	token: z.string(),
	status: z.enum(QUEUE_STATUSES),
	patientId: z.string(),
	patientName: z.string(),
	patientRef: z.string(),
	doctorId: text,
	chosenDoctorId: text,
	appointmentId: text,
	appointmentStart: z.nullable(instant),
	arrival: z.enum(ARRIVALS),
	arrivalMinutes: count,
	urgent: z.boolean(),
	urgentReason: text,
	/** Why the patient came; absent from documents of servers before it existed. */
	reason: z.optional(z.string()),
	returned: z.boolean(),
	moved: z.boolean(),
	skipCount: z.number(),
	callCount: z.number(),
	checkedInAt: instant,
	calledAt: z.nullable(instant),
	completedAt: z.nullable(instant),
	/** The room the token was called to. */
	room: text,
	cancelReason: text,
	order: count,
	plannedDoctorId: text,
	ahead: count,
	estimatedCallAt: z.nullable(instant),
	waitMinutes: count
});

export const queueDoctorContract = z.object({
	id: z.string(),
	name: z.string(),
	consultationMinutes: z.number(),
	withDoctor: text,
	room: z.nullable(z.object({ id: z.string(), name: z.string() }))
});

/** `clinic/{id}/day/{date}/queue`: the staff queue of a clinic-day (a clinic that no longer exists has only the day and empty lists). */
export const queueContract = z.object({
	day: z.string(),
	timezone: z.optional(z.string()),
	perDoctorTokens: z.optional(z.boolean()),
	builtAt: z.optional(instant),
	doctors: z.array(queueDoctorContract),
	tokens: z.array(queueTokenContract)
});

export const displayDoctorContract = z.object({
	slot: z.number(),
	doctor: z.string(),
	room: text,
	nowServing: text,
	calls: z.number(),
	next: z.array(z.string())
});

/**
 * `clinic/{id}/day/{date}/display`: the waiting room's screen; token numbers and rooms, never a
 * patient. `doctors[].next` are each doctor's own line; `shared` the next walk-ins of the shared
 * line (next free doctor), which are no doctor's until one calls them.
 */
export const displayContract = z.object({
	day: z.string(),
	clinic: z.nullable(z.object({ name: z.string(), color: text, tagline: text })),
	doctors: z.array(displayDoctorContract),
	shared: z.array(z.string()),
	next: z.array(z.string())
});

export const patientQueueContract = z.object({
	token: z.string(),
	status: z.enum(QUEUE_STATUSES),
	ahead: count,
	waitMinutes: count,
	doctor: text,
	/** Waiting in the shared line: whichever doctor is free first will call them. */
	sharedLine: z.boolean(),
	/** Early for an appointment: called no sooner than this time (walk-ins are seen until then). */
	appointmentAt: z.nullable(instant),
	room: text,
	calledAt: z.nullable(instant),
	checkedInAt: instant
});

/** One of the patient's recent prescriptions at the clinic's pharmacy: where it is, never its medicines. */
export const patientPrescriptionContract = z.object({
	id: z.string(),
	status: z.enum(PHARMACY_STATUSES),
	issuedAt: instant,
	readyAt: z.nullable(instant),
	collectedAt: z.nullable(instant)
});

/**
 * `patient/{id}/live`: one patient's own place in today's queue, or none, and where their recent
 * prescriptions are at the clinic's pharmacy (optional: older servers do not send it).
 */
export const patientLiveContract = z.object({
	clinic: z.optional(z.object({ name: z.string(), code: z.string() })),
	day: z.optional(z.string()),
	queue: z.nullable(patientQueueContract),
	prescriptions: z.optional(z.array(patientPrescriptionContract))
});

export type QueueContent = z.infer<typeof queueContract>;
export type QueueToken = z.infer<typeof queueTokenContract>;
export type QueueDoctorContent = z.infer<typeof queueDoctorContract>;
export type DisplayContent = z.infer<typeof displayContract>;
export type DisplayDoctor = z.infer<typeof displayDoctorContract>;
export type PatientLiveContent = z.infer<typeof patientLiveContract>;
export type PatientQueue = z.infer<typeof patientQueueContract>;
export type PatientPrescription = z.infer<typeof patientPrescriptionContract>;
