import { and, eq } from 'drizzle-orm';
import { doctorProfile, membership } from '../db/schema';
import type { Db } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import { doctorProfileInput } from './schema';
import { can } from './policy';
import type { ClinicContext } from './context';
import { activeRoom } from '../queue/rooms';
import { clinicDocumentsChanged } from '../sync/changes';

/** A doctor's profile in one clinic: specialization, registration, fee, usual room, and whether patients see them listed. */
export async function updateDoctorProfile(db: Db, ctx: ClinicContext, doctorUserId: string, input: unknown) {
	if (!can(ctx.actor, 'doctorProfile.edit', doctorUserId)) throw forbidden();
	const data = parseInput(doctorProfileInput, input);
	if (data.defaultRoomId) await activeRoom(db, ctx.clinicId, data.defaultRoomId, 'defaultRoomId');
	return runCommand(db, null, async (tx) => {
		const [member] = await tx
			.select({ role: membership.role })
			.from(membership)
			.where(and(eq(membership.clinicId, ctx.clinicId), eq(membership.userId, doctorUserId), eq(membership.status, 'active')));
		if (!member || member.role !== 'doctor') throw notFound('No such doctor in this clinic');
		const [row] = await tx
			.insert(doctorProfile)
			.values({ clinicId: ctx.clinicId, userId: doctorUserId, ...data })
			.onConflictDoUpdate({ target: [doctorProfile.clinicId, doctorProfile.userId], set: { ...data, updatedAt: new Date() } })
			.returning();
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'doctor.profile',
			entityType: 'doctor_profile',
			entityId: doctorUserId,
			data
		});
		// A doctor's name, room and listing show on the clinic's calendars, queues and displays.
		await clinicDocumentsChanged(tx, [ctx.clinicId]);
		return row;
	});
}
