import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { appUser, recoveryCode } from '../db/schema';
import type { Db, Tx } from '../db';
import { AppError, badRequest, conflict } from '../errors';
import { isUniqueViolation } from '../db/errors';
import { parseInput } from '../validation';
import { appendAudit } from '../audit/audit';
import { runCommand } from '../command';
import { hashPassword, verifyPasswordHash } from './password';
import { takeLoginAttempt } from './rateLimit';
import { changePasswordInput, signupInput, totpCodeInput } from './schema';
import { createSession, generateSessionToken, invalidateOtherSessions } from './session';
import { checkSecondFactor, type AccountActor } from './secondFactor';
import { generateRecoveryCodes, generateTotpKey, hashRecoveryCode, totpEnrolment, totpStep } from './totp';

export type { AccountActor };

const ISSUER = 'Tabeeb';
const wrongCode = () => new AppError('totp_invalid', 400, 'That code is not right', 'code');

/** A patient creates their own account with email and password and is signed in straight away. */
export async function signUpPatient(db: Db, input: unknown) {
	const data = parseInput(signupInput, input);
	const passwordHash = await hashPassword(data.password);
	let user: { id: string; email: string; name: string; kind: 'staff' | 'patient' };
	try {
		user = await runCommand(db, null, async (tx) => {
			const [row] = await tx
				.insert(appUser)
				.values({ email: data.email, name: data.name, passwordHash, kind: 'patient' })
				.returning({ id: appUser.id, email: appUser.email, name: appUser.name, kind: appUser.kind });
			await appendAudit(tx, { clinicId: null, actorUserId: row.id, action: 'patient.sign_up', entityType: 'user', entityId: row.id });
			return row;
		});
	} catch (e) {
		if (isUniqueViolation(e, 'app_user_email_key')) throw conflict('That email is already registered', 'email_taken', 'email');
		throw e;
	}
	// A new account has no second factor yet, so its first session is fully verified.
	const token = generateSessionToken();
	const created = await createSession(db, token, user.id, { twoFactorVerified: true });
	return { user, token, expiresAt: created.expiresAt };
}

/**
 * Changing the password ends every other session of the person (a thief holding one loses it)
 * in the same transaction that changes it; the session that made the change stays signed in.
 * Wrong current passwords count as failed sign-ins, so a stolen session cannot be used to guess
 * the password.
 */
export async function changePassword(db: Db, actor: AccountActor, sessionId: string, input: unknown) {
	const data = parseInput(changePasswordInput, input);
	const attempt = await takeLoginAttempt(actor.email, actor.address);
	const [user] = await db.select().from(appUser).where(eq(appUser.id, actor.userId));
	if (!user || !(await verifyPasswordHash(user.passwordHash, data.currentPassword))) {
		throw badRequest('Current password is wrong', 'currentPassword', 'invalid_credentials');
	}
	await attempt.giveBack();
	// After an admin reset the person must pick a password the admin does not know.
	if (data.newPassword === data.currentPassword) throw badRequest('Choose a new password', 'newPassword', 'field_invalid');
	const passwordHash = await hashPassword(data.newPassword);
	await runCommand(db, null, async (tx) => {
		await tx.update(appUser).set({ passwordHash, passwordChangedAt: new Date(), mustChangePassword: false }).where(eq(appUser.id, actor.userId));
		await invalidateOtherSessions(tx, actor.userId, sessionId);
		await appendAudit(tx, { clinicId: null, actorUserId: actor.userId, action: 'auth.password_change', entityType: 'user', entityId: actor.userId });
	});
}

/** Step one of enrolment: a fresh pending key to scan; nothing protects the account until a code confirms it. */
export async function beginTotpEnrolment(db: Db, userId: string, email: string) {
	const key = generateTotpKey();
	const updated = await db
		.update(appUser)
		.set({ totpPendingKey: key })
		.where(and(eq(appUser.id, userId), isNull(appUser.totpKey)))
		.returning({ id: appUser.id });
	if (updated.length === 0) throw conflict('Two-factor authentication is already on');
	return totpEnrolment(key, ISSUER, email);
}

/**
 * The pending enrolment the person is part-way through (so a reload shows the same QR code), or a
 * new one. One statement keeps a pending key or sets one, so two loads at once (two tabs, a
 * preload racing the navigation) show the same key; two separate writes could each set their
 * own, and the code from the key on screen would then be refused.
 */
export async function pendingTotpEnrolment(db: Db, userId: string, email: string) {
	const [user] = await db
		.update(appUser)
		.set({ totpPendingKey: sql`coalesce(${appUser.totpPendingKey}, ${generateTotpKey()})` })
		.where(and(eq(appUser.id, userId), isNull(appUser.totpKey)))
		.returning({ key: appUser.totpPendingKey });
	if (!user?.key) throw conflict('Two-factor authentication is already on');
	return totpEnrolment(user.key, ISSUER, email);
}

/**
 * Step two: a correct code from the app turns 2FA on and returns the recovery codes, shown
 * once. Other sessions were opened without a second factor, so they end in the same
 * transaction; this one stays.
 */
export async function confirmTotpEnrolment(db: Db, userId: string, sessionId: string, input: unknown): Promise<string[]> {
	const { code } = parseInput(totpCodeInput, input);
	const [user] = await db.select({ key: appUser.totpPendingKey, enabled: appUser.totpKey }).from(appUser).where(eq(appUser.id, userId));
	if (user?.enabled) throw conflict('Two-factor authentication is already on');
	if (!user?.key) throw badRequest('Start enrolment first', 'code', 'bad_request');
	const pendingKey = user.key;
	const step = totpStep(pendingKey, code);
	if (step === null) throw wrongCode();
	const codes = generateRecoveryCodes();
	await runCommand(db, null, async (tx) => {
		// Guarded on the key the code was checked against, so a concurrent restart cannot swap it.
		const enabled = await tx
			.update(appUser)
			// The code that confirmed the key is spent: it cannot sign in a second time.
			.set({ totpKey: pendingKey, totpPendingKey: null, totpLastStep: step })
			.where(and(eq(appUser.id, userId), eq(appUser.totpPendingKey, pendingKey), isNull(appUser.totpKey)))
			.returning({ id: appUser.id });
		if (enabled.length === 0) throw conflict('Two-factor authentication is already on');
		await replaceRecoveryCodes(tx, userId, codes);
		await invalidateOtherSessions(tx, userId, sessionId);
		await appendAudit(tx, { clinicId: null, actorUserId: userId, action: 'auth.totp_enable', entityType: 'user', entityId: userId });
	});
	return codes;
}

/** New recovery codes replace every old one; needs a current code so an unattended session cannot take them. */
export async function regenerateRecoveryCodes(db: Db, actor: AccountActor, input: unknown): Promise<string[]> {
	await requireSecondFactor(db, actor, input);
	const codes = generateRecoveryCodes();
	await runCommand(db, null, async (tx) => {
		await replaceRecoveryCodes(tx, actor.userId, codes);
		await appendAudit(tx, { clinicId: null, actorUserId: actor.userId, action: 'auth.recovery_regenerate', entityType: 'user', entityId: actor.userId });
	});
	return codes;
}

/**
 * Turning 2FA off needs a current code, or a recovery code for someone who lost their phone. A
 * clinic that requires 2FA sends them to enrol again before its pages open.
 */
export async function disableTotp(db: Db, actor: AccountActor, input: unknown) {
	await requireSecondFactor(db, actor, input);
	await runCommand(db, null, async (tx) => {
		await tx.update(appUser).set({ totpKey: null, totpPendingKey: null, totpLastStep: null }).where(eq(appUser.id, actor.userId));
		await tx.delete(recoveryCode).where(eq(recoveryCode.userId, actor.userId));
		await appendAudit(tx, { clinicId: null, actorUserId: actor.userId, action: 'auth.totp_disable', entityType: 'user', entityId: actor.userId });
	});
}

/** Checks a TOTP or recovery code for an account that has 2FA on; wrong codes count as failed sign-ins. */
async function requireSecondFactor(db: Db, actor: AccountActor, input: unknown) {
	const { code } = parseInput(totpCodeInput, input);
	const attempt = await takeLoginAttempt(actor.email, actor.address);
	const [user] = await db
		.select({ key: appUser.totpKey })
		.from(appUser)
		.where(and(eq(appUser.id, actor.userId), isNotNull(appUser.totpKey)));
	if (!user?.key) {
		await attempt.giveBack();
		throw badRequest('Two-factor authentication is off', 'code', 'bad_request');
	}
	const { ok } = await checkSecondFactor(db, actor.userId, user.key, code);
	if (!ok) throw wrongCode();
	await attempt.giveBack();
}

async function replaceRecoveryCodes(tx: Tx, userId: string, codes: string[]) {
	await tx.delete(recoveryCode).where(eq(recoveryCode.userId, userId));
	await tx.insert(recoveryCode).values(codes.map((c) => ({ userId, codeHash: hashRecoveryCode(c) })));
}
