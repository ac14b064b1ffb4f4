import { z } from 'zod';
import { numberField } from '../text';
import type { Db } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { retryFailedEvent } from './outbox';

const retryInput = z.object({ eventId: numberField(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)) });

/** An admin sends a failed notification of their clinic again; audited, as it reaches a patient. */
export async function retryNotification(db: Db, ctx: ClinicContext, input: unknown): Promise<void> {
	if (!can(ctx.actor, 'notifications.retry')) throw forbidden();
	const { eventId } = parseInput(retryInput, input);
	await runCommand(db, null, async (tx) => {
		if (!(await retryFailedEvent(tx, ctx.clinicId, eventId))) throw notFound('No such failed notification');
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'notification.retry',
			entityType: 'outbox_event',
			entityId: String(eventId)
		});
	});
}
