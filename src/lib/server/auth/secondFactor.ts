import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { appUser, recoveryCode } from '../db/schema';
import type { Db } from '../db';
import { hashRecoveryCode, totpStep } from './totp';

/** Who is acting on their own account, and from where (failed codes count against both). */
export type AccountActor = { userId: string; email: string; address: string };

/**
 * True when `code` is a current TOTP code for the key, not used before, or one of the person's
 * unused recovery codes; either is spent in the same statement that accepts it, so two
 * concurrent uses cannot both succeed.
 */
export async function checkSecondFactor(db: Db, userId: string, totpKey: string, code: string): Promise<{ ok: boolean; usedRecoveryCode: boolean }> {
	if (await acceptTotpCode(db, userId, totpKey, code)) return { ok: true, usedRecoveryCode: false };
	const used = await consumeRecoveryCode(db, userId, code);
	return { ok: used, usedRecoveryCode: used };
}

/**
 * A TOTP code works once: its time step is recorded by the statement that checks it is later than
 * the last accepted one (and that the key is still the one checked), so a code seen over a
 * shoulder, or sent by two sign-ins at once, is accepted exactly once.
 */
export async function acceptTotpCode(db: Db, userId: string, totpKey: string, code: string): Promise<boolean> {
	const step = totpStep(totpKey, code);
	if (step === null) return false;
	const accepted = await db
		.update(appUser)
		.set({ totpLastStep: step })
		.where(and(eq(appUser.id, userId), eq(appUser.totpKey, totpKey), or(isNull(appUser.totpLastStep), lt(appUser.totpLastStep, step))))
		.returning({ id: appUser.id });
	return accepted.length > 0;
}

async function consumeRecoveryCode(db: Db, userId: string, code: string): Promise<boolean> {
	if (code.replace(/[^A-Za-z0-9]/g, '').length !== 10) return false;
	const used = await db
		.update(recoveryCode)
		.set({ usedAt: new Date() })
		.where(and(eq(recoveryCode.userId, userId), eq(recoveryCode.codeHash, hashRecoveryCode(code)), isNull(recoveryCode.usedAt)))
		.returning({ id: recoveryCode.id });
	return used.length > 0;
}

/** How many recovery codes the person has left, so the page can warn before they run out. */
export async function unusedRecoveryCodes(db: Db, userId: string): Promise<number> {
	const rows = await db
		.select({ id: recoveryCode.id })
		.from(recoveryCode)
		.where(and(eq(recoveryCode.userId, userId), isNull(recoveryCode.usedAt)));
	return rows.length;
}
