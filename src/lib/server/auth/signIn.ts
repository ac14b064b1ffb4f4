import { eq, sql } from 'drizzle-orm';
import { appUser, type AppUser } from '../db/schema';
import type { Db, Tx } from '../db';
import { AppError, unauthenticated } from '../errors';
import { parseInput } from '../validation';
import { appendAudit } from '../audit/audit';
import { runCommand } from '../command';
import { dummyPasswordHash, verifyPasswordHash } from './password';
import { takeLoginAttempt } from './rateLimit';
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
	const attempt = await takeLoginAttempt(data.email, address);
	const [user] = await db
		.select()
		.from(appUser)
		.where(sql`lower(${appUser.email}) = ${data.email}`);
	const valid = await verifyPasswordHash(user?.passwordHash ?? (await dummyPasswordHash()), data.password);
	if (!user || !valid) throw unauthenticated('Wrong email or password', 'invalid_credentials');
	let twoFactorVerified = user.totpKey === null;
	if (user.totpKey && data.totp) {
		if (!(await acceptTotpCode(db, user.id, user.totpKey, data.totp))) throw new AppError('totp_invalid', 401, 'That code is not right', 'totp');
		twoFactorVerified = true;
	}
	if (!twoFactorVerified && opts.requireTotpInline) {
		await attempt.giveBack();
		throw new AppError('totp_required', 401, 'Enter the code from your authenticator app', 'totp');
	}
	await (twoFactorVerified ? attempt.signedIn() : attempt.giveBack());
	const token = generateSessionToken();
	// The session and its audit row are written together: no sign-in goes unrecorded.
	const created = await runCommand(db, null, async (tx) => {
		const row = await createSession(tx, token, user.id, { twoFactorVerified });
		await audit(tx, user.id, 'auth.sign_in', { twoFactor: user.totpKey !== null });
		return row;
	});
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
	const attempt = await takeLoginAttempt(email, address);
	const [user] = await db.select({ totpKey: appUser.totpKey }).from(appUser).where(eq(appUser.id, userId));
	// 2FA was turned off from another session since this one began: nothing is left to check.
	if (!user?.totpKey) {
		await attempt.signedIn();
		return markSessionTwoFactorVerified(db, sessionId);
	}
	const { ok, usedRecoveryCode } = await checkSecondFactor(db, userId, user.totpKey, code);
	if (!ok) throw new AppError('totp_invalid', 400, 'That code is not right', 'code');
	await attempt.signedIn();
	await runCommand(db, null, async (tx) => {
		if (usedRecoveryCode) await audit(tx, userId, 'auth.recovery_code_used', {});
		await markSessionTwoFactorVerified(tx, sessionId);
	});
}

async function audit(tx: Tx, userId: string, action: string, data: Record<string, unknown>) {
	await appendAudit(tx, { clinicId: null, actorUserId: userId, action, entityType: 'user', entityId: userId, data });
}
