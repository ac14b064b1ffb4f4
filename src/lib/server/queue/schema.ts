import { z } from 'zod';
import { text } from '../tenancy/schema';
import { idempotencyKeyInput } from '../command';
import { isoDay, numberField, uuid } from '../text';

const idempotencyKey = idempotencyKeyInput.optional();

/** Check in against today's appointment, or as a walk-in (with or without a chosen doctor). */
export const checkInInput = z
	.object({
		appointmentId: uuid().optional(),
		patientId: uuid().optional(),
		doctorId: uuid().optional(),
		/** Why the patient came, as told at the desk (an appointment's own reason when left empty). */
		reason: text(200).default(''),
		idempotencyKey
	})
	.refine((v) => Boolean(v.appointmentId) !== Boolean(v.patientId), { message: 'give an appointment or a patient, not both', path: ['patientId'] })
	.refine((v) => !(v.appointmentId && v.doctorId), { message: 'the appointment names the doctor', path: ['doctorId'] });
export type CheckInInput = z.infer<typeof checkInInput>;

/** `roomId`, when given, becomes the doctor's room for the rest of the day (see rooms.ts). */
export const callNextInput = z.object({ doctorId: uuid(), roomId: uuid().optional(), idempotencyKey });

/** The body of a token change that takes nothing but its key (recall, skip, send back, complete). */
export const tokenChangeInput = z.object({ idempotencyKey });

const reason = text(300).pipe(z.string().min(1));

export const urgentInput = z.object({ reason, idempotencyKey });

export const reorderInput = z.object({
	/** The place in the line (0 = next) the token moves to. */
	position: numberField(z.number().int().min(0).max(1000)),
	/** Whose line; defaults to the token's own (its doctor's, or the shared line of walk-ins who chose no doctor). */
	doctorId: uuid().optional(),
	reason,
	idempotencyKey
});

export const displayKeyInput = z.object({ name: text(80).pipe(z.string().min(1)) });

export const queueDayQuery = z.object({ date: isoDay().optional() });

/** The paper a token slip is printed on: a receipt roll 80 mm wide, or A6. */
export const slipQuery = z.object({ paper: z.enum(['80mm', 'a6']).optional() });

const roomName = text(60).pipe(z.string().min(1));

export const roomInput = z.object({ name: roomName });

/** Rename, archive (`archived: true`) or bring back (`false`) a room. */
export const roomUpdateInput = z
	.object({ name: roomName.optional(), archived: z.boolean().optional() })
	.refine((v) => v.name !== undefined || v.archived !== undefined, { message: 'nothing to change', path: ['name'] });

/** A doctor's room for today; null goes back to their usual room. */
export const todayRoomInput = z.object({ doctorId: uuid(), roomId: uuid().nullable() });
