import { z } from 'zod';
import { text } from '../tenancy/schema';
import { idempotencyKeyInput } from '../command';

const idempotencyKey = idempotencyKeyInput.optional();

/** Check in against today's appointment, or as a walk-in (with or without a chosen doctor). */
export const checkInInput = z
	.object({
		appointmentId: z.uuid().optional(),
		patientId: z.uuid().optional(),
		doctorId: z.uuid().optional(),
		idempotencyKey
	})
	.refine((v) => Boolean(v.appointmentId) !== Boolean(v.patientId), { message: 'give an appointment or a patient, not both', path: ['patientId'] })
	.refine((v) => !(v.appointmentId && v.doctorId), { message: 'the appointment names the doctor', path: ['doctorId'] });
export type CheckInInput = z.infer<typeof checkInInput>;

/** `roomId`, when given, becomes the doctor's room for the rest of the day (see rooms.ts). */
export const callNextInput = z.object({ doctorId: z.uuid(), roomId: z.uuid().optional(), idempotencyKey });

/** The body of a token change that takes nothing but its key (recall, skip, send back, complete). */
export const tokenChangeInput = z.object({ idempotencyKey });

const reason = text(300).pipe(z.string().min(1));

export const urgentInput = z.object({ reason, idempotencyKey });

export const reorderInput = z.object({
	/** The place in the doctor's line (0 = next) the token moves to. */
	position: z.coerce.number().int().min(0).max(1000),
	/** Whose line; defaults to the token's doctor, or the doctor it is planned for. */
	doctorId: z.uuid().optional(),
	reason,
	idempotencyKey
});

export const displayKeyInput = z.object({ name: text(80).pipe(z.string().min(1)) });

export const queueDayQuery = z.object({ date: z.iso.date().optional() });

const roomName = text(60).pipe(z.string().min(1));

export const roomInput = z.object({ name: roomName });

/** Rename, archive (`archived: true`) or bring back (`false`) a room. */
export const roomUpdateInput = z.object({ name: roomName.optional(), archived: z.boolean().optional() }).refine((v) => v.name !== undefined || v.archived !== undefined, { message: 'nothing to change', path: ['name'] });

/** A doctor's room for today; null goes back to their usual room. */
export const todayRoomInput = z.object({ doctorId: z.uuid(), roomId: z.uuid().nullable() });
