import { eq } from 'drizzle-orm';
import { appUser, recoveryCode } from '../db/schema';
import type { Db } from '../db';
import { AppError, conflict, badRequest } from '../errors';
import { isUniqueViolation } from '../db/errors';
import { parseInput } from '../validation';
import { appendAudit } from '../audit/audit';
import { runCommand } from '../command';
import { hashPassword, verifyPasswordHash } from './password';
import { changePasswordInput, signupInput, totpCodeInput } from './schema';
import { invalidateUserSessions } from './session';
import { generateRecoveryCodes, generateTotpKey, hashRecoveryCode, totpEnrolment, verifyTotp } from './totp';

/** A patient creates their own account with email and password. */
export async function signUpPatient(db: Db, input: unknown) {
	const data = parseInput(signupInput, input);
	const passwordHash = await hashPassword(data.password);
	try {
		return await runCommand(db, null, async (tx) => {
			const [user] = await tx
				.insert(appUser)
				.values({ email: data.email, name: data.name, passwordHash, kind: 'patient' })
				.returning({ id: appUser.id, email: appUser.email, name: appUser.name, kind: appUser.kind });
			await appendAudit(tx, { clinicId: null, actorUserId: user.id, action: 'patient.sign_up', entityType: 'user', entityId: user.id });
			return user;
		});
	} catch (e) {
		if (isUniqueViolation(e, 'app_user_email_key')) throw conflict('That email is already registered', 'email_taken', 'email');
		throw e;
	}
}

/** Changing the password ends every session, then the caller signs the person in afresh. */
export async function changePassword(db: Db, userId: string, input: unknown) {
	const data = parseInput(changePasswordInput, input);
	const [user] = await db.select().from(appUser).where(eq(appUser.id, userId));
	if (!user || !(await verifyPasswordHash(user.passwordHash, data.currentPassword))) {
		throw badRequest('Current password is wrong', 'currentPassword', 'invalid_credentials');
	}
	const passwordHash = await hashPassword(data.newPassword);
	await runCommand(db, null, async (tx) => {
		await tx.update(appUser).set({ passwordHash, passwordChangedAt: new Date(), mustChangePassword: false }).where(eq(appUser.id, userId));
		await appendAudit(tx, { clinicId: null, actorUserId: userId, action: 'auth.password_change', entityType: 'user', entityId: userId });
	});
	await invalidateUserSessions(db, userId);
}

/** Step one of enrolment: a pending key the person scans; nothing changes until they confirm a code. */
export async function beginTotpEnrolment(db: Db, userId: string, email: string) {
	const key = generateTotpKey();
	await db.update(appUser).set({ totpPendingKey: key }).where(eq(appUser.id, userId));
	return totpEnrolment(key, 'Tabeeb', email);
}

export async function pendingTotpEnrolment(db: Db, userId: string, email: string) {
	const [user] = await db.select({ key: appUser.totpPendingKey }).from(appUser).where(eq(appUser.id, userId));
	return user?.key ? totpEnrolment(user.key, 'Tabeeb', email) : beginTotpEnrolment(db, userId, email);
}

/** Step two: a correct code turns 2FA on and returns the recovery codes, shown once. */
export async function confirmTotpEnrolment(db: Db, userId: string, input: unknown): Promise<string[]> {
	const { code } = parseInput(totpCodeInput, input);
	const [user] = await db.select({ key: appUser.totpPendingKey }).from(appUser).where(eq(appUser.id, userId));
	if (!user?.key) throw badRequest('Start enrolment first', 'code', 'bad_request');
	if (!verifyTotp(user.key, code)) throw new AppError('totp_invalid', 400, 'That code is not right', 'code');
	const codes = generateRecoveryCodes();
	await runCommand(db, null, async (tx) => {
		await tx.update(appUser).set({ totpKey: user.key, totpPendingKey: null }).where(eq(appUser.id, userId));
		await tx.delete(recoveryCode).where(eq(recoveryCode.userId, userId));
		await tx.insert(recoveryCode).values(codes.map((c) => ({ userId, codeHash: hashRecoveryCode(c) })));
		await appendAudit(tx, { clinicId: null, actorUserId: userId, action: 'auth.totp_enable', entityType: 'user', entityId: userId });
	});
	return codes;
}

export async function regenerateRecoveryCodes(db: Db, userId: string): Promise<string[]> {
	const codes = generateRecoveryCodes();
	await runCommand(db, null, async (tx) => {
		await tx.delete(recoveryCode).where(eq(recoveryCode.userId, userId));
		await tx.insert(recoveryCode).values(codes.map((c) => ({ userId, codeHash: hashRecoveryCode(c) })));
		await appendAudit(tx, { clinicId: null, actorUserId: userId, action: 'auth.recovery_regenerate', entityType: 'user', entityId: userId });
	});
	return codes;
}

/** Turning 2FA off needs a current code; a clinic that requires 2FA will ask for it again at next sign-in. */
export async function disableTotp(db: Db, userId: string, input: unknown) {
	const { code } = parseInput(totpCodeInput, input);
	const [user] = await db.select({ key: appUser.totpKey }).from(appUser).where(eq(appUser.id, userId));
	if (!user?.key || !verifyTotp(user.key, code)) throw new AppError('totp_invalid', 400, 'That code is not right', 'code');
	await runCommand(db, null, async (tx) => {
		await tx.update(appUser).set({ totpKey: null, totpPendingKey: null }).where(eq(appUser.id, userId));
		await tx.delete(recoveryCode).where(eq(recoveryCode.userId, userId));
		await appendAudit(tx, { clinicId: null, actorUserId: userId, action: 'auth.totp_disable', entityType: 'user', entityId: userId });
	});
}
