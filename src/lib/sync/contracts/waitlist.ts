import * as z from 'zod/mini';

/**
 * The contract of the waitlist live document: what `projectClinicWaitlist` writes and what the
 * waitlist screen may rely on. Browser-safe (zod/mini, no Node imports). As with the queue's
 * contracts (queue.ts), unknown fields are dropped and a changed or missing field, or a status
 * this build does not know, is a mismatch the screen shows as "update the app".
 */

/** The entries the document holds: still waiting, or offered a freed slot (booked and withdrawn ones leave it). */
export const OPEN_WAITLIST_STATUSES = ['waiting', 'offered'] as const;

const instant = z.string();

export const waitlistEntryContract = z.object({
	id: z.string(),
	patientId: z.string(),
	patientName: z.string(),
	doctorId: z.string(),
	status: z.enum(OPEN_WAITLIST_STATUSES),
	offeredStart: z.nullable(instant),
	/** When the appointment an accepted offer would move now starts, if the patient holds one. */
	currentStart: z.nullable(instant),
	note: z.string(),
	createdAt: instant
});

/** `clinic/{id}/waitlist`: the patients waiting for an earlier slot and the offers open for them, oldest first. */
export const waitlistContract = z.object({ entries: z.array(waitlistEntryContract) });

export type WaitlistContent = z.infer<typeof waitlistContract>;
export type WaitlistEntry = z.infer<typeof waitlistEntryContract>;
