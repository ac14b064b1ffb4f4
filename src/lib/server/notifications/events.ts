import { z } from 'zod';

/**
 * Every event a command may write to the outbox: its type and the shape of its payload. This is
 * the one contract between producers (`emit` in outbox.ts) and consumers (the composers in
 * notices.ts, the labels on the admin notifications page): a new type here is a compile error in
 * every consumer that has not decided what to do with it.
 */
const event = <T extends string, S extends z.ZodRawShape>(type: T, payload: S) => z.object({ type: z.literal(type), payload: z.object(payload) });

const instant = z.iso.datetime({ offset: true });
const appointmentIds = { appointmentId: z.uuid(), patientId: z.uuid(), doctorId: z.uuid() };
const tokenIds = { tokenId: z.uuid(), patientId: z.uuid(), token: z.string().min(1) };

export const outboxEventSchema = z.discriminatedUnion('type', [
	event('appointment.booked', { ...appointmentIds, start: instant }),
	event('appointment.confirm', appointmentIds),
	event('appointment.decline', appointmentIds),
	// `cause`: the clinic cancelled because it closed that day, the doctor went on leave, or the doctor's hours that day were cut short; the patient is told which.
	event('appointment.cancel', {
		...appointmentIds,
		reason: z.string(),
		byPatient: z.literal(true).optional(),
		cause: z.enum(['clinic_closed', 'doctor_leave', 'doctor_hours']).optional()
	}),
	event('appointment.reschedule', { ...appointmentIds, from: instant, to: instant, fromDoctorId: z.uuid() }),
	event('appointment.no_show', appointmentIds),
	event('waitlist.offered', { waitlistEntryId: z.uuid(), patientId: z.uuid(), doctorId: z.uuid(), start: instant }),
	event('queue.checked_in', tokenIds),
	// `doctorId` is null for a walk-in of the shared line ("next free doctor"): nobody's until called.
	event('queue.almost_next', { ...tokenIds, doctorId: z.uuid().nullable(), ahead: z.number().int().min(0), waitMinutes: z.number().int().min(0) }),
	event('queue.called', { ...tokenIds, doctorId: z.uuid(), visitId: z.uuid() }),
	/** To a staff member, not a patient: the single-use link to set their password (tenancy/invitations.ts). */
	event('member.invited', { invitationId: z.uuid(), userId: z.uuid(), token: z.string().min(20), expiresAt: instant }),
	/** To the referring doctor: a referral of theirs still has no answer (referrals/referrals.ts). */
	event('referral.reminder', { referralId: z.uuid(), doctorId: z.uuid() }),
	/** To the patient: everything on their prescription is dispensed (pharmacy/dispense.ts). */
	event('prescription.ready', { prescriptionId: z.uuid(), patientId: z.uuid() }),
	/** To the clinic's pharmacists and admins, once a clinic day: low stock and batches expiring (pharmacy/digest.ts). */
	event('stock.digest', { clinicId: z.uuid(), day: z.iso.date() })
]);

type AnyOutboxEvent = z.infer<typeof outboxEventSchema>;
export type OutboxEventType = AnyOutboxEvent['type'];
export type OutboxPayloads = { [E in AnyOutboxEvent as E['type']]: E['payload'] };

/**
 * One outbox event (`OutboxEvent<'queue.called'>`, or any of them). Written as a map over the
 * types so that a function generic in the type can hand `event.payload` to the handler of
 * `event.type` without a cast.
 */
export type OutboxEvent<K extends OutboxEventType = OutboxEventType> = { [T in K]: { type: T; payload: OutboxPayloads[T] } }[K];

export const OUTBOX_EVENT_TYPES: readonly OutboxEventType[] = outboxEventSchema.options.map((o) => o.shape.type.value);

export function isOutboxEventType(type: string): type is OutboxEventType {
	return OUTBOX_EVENT_TYPES.some((known) => known === type);
}

export type ParsedOutboxEvent = { ok: true; event: OutboxEvent } | { ok: false; reason: string };

/**
 * Reads an event back from its row. Rows are written by whatever code was running then, so an
 * unknown type or a payload of another shape is answered with a reason, never thrown.
 */
export function parseOutboxEvent(row: { type: string; payload: unknown }): ParsedOutboxEvent {
	if (!isOutboxEventType(row.type)) return { ok: false, reason: `unknown event type "${row.type}"` };
	const parsed = outboxEventSchema.safeParse({ type: row.type, payload: row.payload });
	if (parsed.success) return { ok: true, event: parsed.data };
	const issues = parsed.error.issues.map((issue) => `${issue.path.slice(1).join('.') || 'payload'}: ${issue.message}`);
	return { ok: false, reason: `payload of ${row.type} does not match: ${issues.join('; ')}` };
}
