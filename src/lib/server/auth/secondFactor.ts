import { and, eq, isNull } from 'drizzle-orm';
import { recoveryCode } from '../db/schema';
import type { Db } from '../db';
import { hashRecoveryCode, verifyTotp } from './totp';

/** Who is acting on their own account, and from where (failed codes count against both). */
export type AccountActor = { userId: string; email: string; address: string };

/**
 * True when `code` is a current TOTP code for the key or one of the person's unused recovery
 * codes; a recovery code is marked used in the same statement that matches it, so two
 * concurrent uses cannot both succeed.
 */
export async function checkSecondFactor(db: Db, userId: string, totpKey: string, code: string): Promise<{ ok: boolean; usedRecoveryCode: boolean }> {
	if (verifyTotp(totpKey, code)) return { ok: true, usedRecoveryCode: false };
	const used = await consumeRecoveryCode(db, userId, code);
	return { ok: used, usedRecoveryCode: used };
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
