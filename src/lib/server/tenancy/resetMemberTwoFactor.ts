import { and, eq, isNotNull } from 'drizzle-orm';
import { appUser, recoveryCode, session } from '../db/schema';
import type { Db } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, conflict } from '../errors';
import { assertAdministersEveryClinicOf, assertManage, loadMembership } from './members';
import type { ClinicContext } from './context';

/**
 * A member lost their phone and their recovery codes: an admin turns their two-factor
 * authentication off. Every session of theirs ends (one may be a thief's), and a clinic that
 * requires 2FA sends them to set it up again before its pages open. Only for someone whose every
 * clinic the admin administers; an admin's own second factor is turned off from their security
 * page, with a code, never this way.
 */
export async function resetMemberTwoFactor(db: Db, ctx: ClinicContext, userId: string): Promise<{ userId: string }> {
	assertManage(ctx);
	if (userId === ctx.actor.userId) {
		throw new AppError('own_two_factor_reset', 403, 'Turn off your own two-factor authentication from your security page');
	}
	await runCommand(db, null, async (tx) => {
		const row = await loadMembership(tx, ctx.clinicId, userId);
		await assertAdministersEveryClinicOf(tx, ctx, userId);
		const reset = await tx
			.update(appUser)
			.set({ totpKey: null, totpPendingKey: null, totpLastStep: null })
			.where(and(eq(appUser.id, userId), isNotNull(appUser.totpKey)))
			.returning({ id: appUser.id });
		if (reset.length === 0) throw conflict('This member does not use two-factor authentication', 'two_factor_off');
		await tx.delete(recoveryCode).where(eq(recoveryCode.userId, userId));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'member.two_factor_reset',
			entityType: 'membership',
			entityId: row.id,
			data: { userId }
		});
		await tx.delete(session).where(eq(session.userId, userId));
	});
	return { userId };
}
