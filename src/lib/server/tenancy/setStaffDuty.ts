import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { membership, staffDuty } from '../db/schema';
import type { Db } from '../db';
import { runCommand } from '../command';
import { documentsChanged } from '../sync/changes';
import { documentName } from '../../sync/protocol';
import { appendAudit } from '../audit/audit';
import { forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import { can } from './policy';
import { isoDay, uuid } from '../text';
import type { ClinicContext } from './context';

const dutyInput = z.object({
	userId: uuid(),
	day: isoDay(),
	onDuty: z.boolean()
});

/** Marks a staff member on or off duty for a clinic-day (admins and the desk). */
export async function setStaffDuty(db: Db, ctx: ClinicContext, input: unknown) {
	if (!can(ctx.actor, 'duty.manage')) throw forbidden();
	const data = parseInput(dutyInput, input);
	return runCommand(db, null, async (tx) => {
		const [member] = await tx
			.select({ id: membership.id })
			.from(membership)
			.where(and(eq(membership.clinicId, ctx.clinicId), eq(membership.userId, data.userId), eq(membership.status, 'active')));
		if (!member) throw notFound('No such member');
		await tx
			.insert(staffDuty)
			.values({ clinicId: ctx.clinicId, ...data, updatedBy: ctx.actor.userId })
			.onConflictDoUpdate({
				target: [staffDuty.clinicId, staffDuty.userId, staffDuty.day],
				set: { onDuty: data.onDuty, updatedBy: ctx.actor.userId, updatedAt: new Date() }
			});
		await documentsChanged(tx, [documentName.staff(ctx.clinicId)]);
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: data.onDuty ? 'duty.on' : 'duty.off',
			entityType: 'staff_duty',
			entityId: data.userId,
			data: { day: data.day }
		});
		return data;
	});
}
