import { eq, sql } from 'drizzle-orm';
import { appUser, type AppUser } from '../db/schema';
import type { Db } from '../db';
import { AppError, unauthenticated } from '../errors';
import { parseInput } from '../validation';
import { appendAudit } from '../audit/audit';
import { runCommand } from '../command';
import { dummyPasswordHash, verifyPasswordHash } from './password';
import { assertLoginAllowed, recordLoginFailure, recordLoginSuccess } from './rateLimit';
import { acceptTotpCode, checkSecondFactor } from './secondFactor';
import { loginInput, totpCodeInput } from './schema';
import { createSession, generateSessionToken, markSessionTwoFactorVerified } from './session';

export type SignInResult = {
	token: string;
	expiresAt: Date;
	user: Pick<AppUser, 'id' | 'email' | 'name' | 'kind'>;
	/** True when the account has 2FA and the second step is still to come (web form flow). */
	needsSecondFactor: boolean;
};

/**
 * Checks email and password (and a TOTP code when one is given), counting failures per account
 * and per address. Without a code, an account with 2FA gets a session that is not yet verified.
 */
export async function signIn(db: Db, input: unknown, address: string, opts: { requireTotpInline?: boolean } = {}): Promise<SignInResult> {
	const data = parseInput(loginInput, input);
	await assertLoginAllowed(data.email, address);
	const [user] = await db.select().from(appUser).where(sql`lower(${appUser.email}) = ${data.email}`);
	const valid = await verifyPasswordHash(user?.passwordHash ?? (await dummyPasswordHash()), data.password);
	if (!user || !valid) {
		await recordLoginFailure(data.email, address);
		throw unauthenticated('Wrong email or password', 'invalid_credentials');
	}
	let twoFactorVerified = user.totpKey === null;
	if (user.totpKey && data.totp) {
		if (!(await acceptTotpCode(db, user.id, user.totpKey, data.totp))) {
			await recordLoginFailure(data.email, address);
			throw new AppError('totp_invalid', 401, 'That code is not right', 'totp');
		}
		twoFactorVerified = true;
	}
	if (!twoFactorVerified && opts.requireTotpInline) throw new AppError('totp_required', 401, 'Enter the code from your authenticator app', 'totp');
	await recordLoginSuccess(data.email);
	const token = generateSessionToken();
	const created = await createSession(db, token, user.id, { twoFactorVerified });
	await audit(db, user.id, 'auth.sign_in', { twoFactor: user.totpKey !== null });
	return {
		token,
		expiresAt: created.expiresAt,
		user: { id: user.id, email: user.email, name: user.name, kind: user.kind },
		needsSecondFactor: !twoFactorVerified
	};
}

/** The second step of a web sign-in: a TOTP code or an unused recovery code. */
export async function verifySecondFactor(db: Db, sessionId: string, userId: string, email: string, input: unknown, address: string) {
	const { code } = parseInput(totpCodeInput, input);
	await assertLoginAllowed(email, address);
	const [user] = await db.select({ totpKey: appUser.totpKey }).from(appUser).where(eq(appUser.id, userId));
	// 2FA was turned off from another session since this one began: nothing is left to check.
	if (!user?.totpKey) return markSessionTwoFactorVerified(db, sessionId);
	const { ok, usedRecoveryCode } = await checkSecondFactor(db, userId, user.totpKey, code);
	if (!ok) {
		await recordLoginFailure(email, address);
		throw new AppError('totp_invalid', 400, 'That code is not right', 'code');
	}
	if (usedRecoveryCode) await audit(db, userId, 'auth.recovery_code_used', {});
	await recordLoginSuccess(email);
	await markSessionTwoFactorVerified(db, sessionId);
}

async function audit(db: Db, userId: string, action: string, data: Record<string, unknown>) {
	await runCommand(db, null, (tx) => appendAudit(tx, { clinicId: null, actorUserId: userId, action, entityType: 'user', entityId: userId, data }));
}
