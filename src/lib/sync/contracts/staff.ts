import * as z from 'zod/mini';

/**
 * The contract of the staff live document: what `projectClinicStaff` writes and what the clinic's
 * home screen may rely on. Browser-safe (zod/mini, no Node imports). As with the queue's contracts
 * (queue.ts), unknown fields are dropped and a changed or missing field, or a role this build does
 * not know, is a mismatch the screen shows as "update the app".
 */

/** The roles a member of staff may hold; the list labels each one. */
export const STAFF_ROLES = ['admin', 'doctor', 'nurse', 'reception', 'pharmacist'] as const;

export const staffMemberContract = z.object({
	userId: z.string(),
	name: z.string(),
	role: z.enum(STAFF_ROLES),
	onDuty: z.boolean()
});

/** `clinic/{id}/staff`: the active members, and who is on duty on `day` (the clinic's today; null for a clinic that no longer exists). */
export const staffContract = z.object({
	day: z.nullable(z.string()),
	staff: z.array(staffMemberContract)
});

export type StaffContent = z.infer<typeof staffContract>;
export type StaffMember = z.infer<typeof staffMemberContract>;
