import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import { generateTOTP } from '@oslojs/otp';
import { decodeBase64 } from '@oslojs/encoding';
import { testDatabase } from '../db';
import { freshTotp } from '../totp';
import { makeClinic, makeMember, makeUser, rand, PASSWORD } from '../factories';
import { appUser, auditLog, recoveryCode, session } from '../../src/lib/server/db/schema';
import type { Db } from '../../src/lib/server/db';
import { beginTotpEnrolment, confirmTotpEnrolment, disableTotp, pendingTotpEnrolment, regenerateRecoveryCodes } from '../../src/lib/server/auth/account';
import { signIn, verifySecondFactor } from '../../src/lib/server/auth/signIn';
import { createSession, generateSessionToken, sessionIdFromToken, validateSessionToken } from '../../src/lib/server/auth/session';
import { unusedRecoveryCodes } from '../../src/lib/server/auth/secondFactor';

let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

/** A code the app shows now, each handed out once (Tabeeb refuses a code a second time). */
const codeFor = (keyBase64: string) => freshTotp(decodeBase64(keyBase64));
/** The code shown now, used or not: for calls refused before any code is checked. */
const anyCodeFor = (keyBase64: string) => generateTOTP(decodeBase64(keyBase64), 30, 6);
/** A code from a minute ago: outside the one-period grace, so it must be refused. */
const staleCodeFor = (keyBase64: string) => {
	const key = decodeBase64(keyBase64);
	const now = generateTOTP(key, 30, 6);
	for (let back = 3; back < 10; back++) {
		const code = totpAt(key, Date.now() - back * 30_000);
		if (code !== now) return code;
	}
	throw new Error('no stale code');
};
function totpAt(key: Uint8Array, ms: number): string {
	const realNow = Date.now;
	Date.now = () => ms;
	try {
		return generateTOTP(key, 30, 6);
	} finally {
		Date.now = realNow;
	}
}

async function userRow(id: string) {
	const [row] = await db.select().from(appUser).where(eq(appUser.id, id));
	return row;
}

async function signedIn(userId: string, twoFactorVerified = true) {
	const token = generateSessionToken();
	await createSession(db, token, userId, { twoFactorVerified });
	return { token, sessionId: sessionIdFromToken(token) };
}

async function auditActions(userId: string) {
	const rows = await db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.actorUserId, userId));
	return rows.map((r) => r.action);
}

/** A staff member with 2FA on; returns the key and the recovery codes they were shown. */
async function enrolledStaff() {
	const clinic = await makeClinic(db);
	const user = await makeMember(db, clinic.id, 'doctor');
	const { sessionId } = await signedIn(user.id);
	await beginTotpEnrolment(db, user.id, user.email);
	const key = (await userRow(user.id)).totpPendingKey!;
	const codes = await confirmTotpEnrolment(db, user.id, sessionId, { code: await codeFor(key) });
	const actor = { userId: user.id, email: user.email, address: `10.0.${rand(1)}.1` };
	return { user, key, codes, sessionId, actor };
}

describe('enrolling a staff member in two-factor authentication', () => {
	it('shows a key for the app, and turns 2FA on only after a correct code, with ten recovery codes', async () => {
		const clinic = await makeClinic(db);
		const user = await makeMember(db, clinic.id, 'reception');
		const { sessionId } = await signedIn(user.id);

		const enrolment = await pendingTotpEnrolment(db, user.id, user.email);
		expect(enrolment.uri).toMatch(/^otpauth:\/\/totp\/Tabeeb:/);
		expect(enrolment.manualKey).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
		// A reload shows the same key, so a half-finished scan still works.
		expect((await pendingTotpEnrolment(db, user.id, user.email)).manualKey).toBe(enrolment.manualKey);
		// So do loads at the same moment (two tabs, a preload racing the navigation) for a new enrolment.
		const other = await makeMember(db, clinic.id, 'reception');
		const racing = await Promise.all(Array.from({ length: 6 }, () => pendingTotpEnrolment(db, other.id, other.email)));
		expect(new Set(racing.map((e) => e.manualKey)).size).toBe(1);
		expect((await userRow(user.id)).totpKey).toBeNull();

		const key = (await userRow(user.id)).totpPendingKey!;
		const codes = await confirmTotpEnrolment(db, user.id, sessionId, { code: await codeFor(key) });
		expect(codes).toHaveLength(10);
		expect(new Set(codes).size).toBe(10);
		for (const c of codes) expect(c).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);

		const after = await userRow(user.id);
		expect(after.totpKey).toBe(key);
		expect(after.totpPendingKey).toBeNull();
		expect(await unusedRecoveryCodes(db, user.id)).toBe(10);
		// Only hashes are stored.
		const stored = await db.select({ hash: recoveryCode.codeHash }).from(recoveryCode).where(eq(recoveryCode.userId, user.id));
		expect(stored.map((s) => s.hash)).not.toContain(codes[0]);
		expect(await auditActions(user.id)).toContain('auth.totp_enable');
	});

	it('refuses a wrong, stale or malformed code and changes nothing', async () => {
		const user = await makeUser(db);
		const { sessionId } = await signedIn(user.id);
		await beginTotpEnrolment(db, user.id, user.email);
		const key = (await userRow(user.id)).totpPendingKey!;
		const good = anyCodeFor(key);
		const wrong = String((Number(good) + 1) % 1_000_000).padStart(6, '0');
		for (const code of [wrong, staleCodeFor(key), '12345', 'abcdef', "1' OR '1'='1", '<b>123456</b>']) {
			await expect(confirmTotpEnrolment(db, user.id, sessionId, { code })).rejects.toMatchObject({ code: 'totp_invalid', field: 'code' });
		}
		for (const input of [{}, { code: '' }, { code: 123456 }, null, { code: 'x'.repeat(500) }, { code: '<script>alert(1)</script>' }]) {
			await expect(confirmTotpEnrolment(db, user.id, sessionId, input)).rejects.toMatchObject({ status: 400 });
		}
		const after = await userRow(user.id);
		expect(after.totpKey).toBeNull();
		expect(after.totpPendingKey).toBe(key);
		expect(await unusedRecoveryCodes(db, user.id)).toBe(0);
		expect(await auditActions(user.id)).not.toContain('auth.totp_enable');
	});

	it('refuses to confirm before enrolment began, and refuses to replace a key that is already on', async () => {
		const fresh = await makeUser(db);
		const { sessionId } = await signedIn(fresh.id);
		await expect(confirmTotpEnrolment(db, fresh.id, sessionId, { code: '123456' })).rejects.toMatchObject({ code: 'bad_request' });

		const { user, key } = await enrolledStaff();
		await expect(beginTotpEnrolment(db, user.id, user.email)).rejects.toMatchObject({ code: 'conflict' });
		await expect(pendingTotpEnrolment(db, user.id, user.email)).rejects.toMatchObject({ code: 'conflict' });
		expect((await userRow(user.id)).totpKey).toBe(key);
	});

	it('signs out the other sessions, which were opened without a second factor, and keeps this one', async () => {
		const user = await makeUser(db);
		const here = await signedIn(user.id);
		const elsewhere = await signedIn(user.id);
		await beginTotpEnrolment(db, user.id, user.email);
		const key = (await userRow(user.id)).totpPendingKey!;
		await confirmTotpEnrolment(db, user.id, here.sessionId, { code: await codeFor(key) });
		expect((await validateSessionToken(db, here.token)).session).not.toBeNull();
		expect((await validateSessionToken(db, elsewhere.token)).session).toBeNull();
	});
});

describe('signing in with two-factor authentication', () => {
	it('leaves the session unverified after the password, and verifies it with a TOTP code', async () => {
		const { user, key } = await enrolledStaff();
		const address = `10.1.${rand(1)}.1`;
		const result = await signIn(db, { email: user.email, password: PASSWORD }, address);
		expect(result.needsSecondFactor).toBe(true);
		const sessionId = sessionIdFromToken(result.token);
		expect((await validateSessionToken(db, result.token)).session?.twoFactorVerified).toBe(false);

		await expect(verifySecondFactor(db, sessionId, user.id, user.email, { code: '000000' }, address)).rejects.toMatchObject({ code: 'totp_invalid' });
		expect((await validateSessionToken(db, result.token)).session?.twoFactorVerified).toBe(false);

		await verifySecondFactor(db, sessionId, user.id, user.email, { code: await codeFor(key) }, address);
		expect((await validateSessionToken(db, result.token)).session?.twoFactorVerified).toBe(true);
	});

	it('accepts a recovery code once, in any case and spacing, and never again', async () => {
		const { user, codes } = await enrolledStaff();
		const address = `10.2.${rand(1)}.1`;
		const first = await signIn(db, { email: user.email, password: PASSWORD }, address);
		const typed = ` ${codes[3].toLowerCase().replace('-', ' ')} `;
		await verifySecondFactor(db, sessionIdFromToken(first.token), user.id, user.email, { code: typed }, address);
		expect((await validateSessionToken(db, first.token)).session?.twoFactorVerified).toBe(true);
		expect(await unusedRecoveryCodes(db, user.id)).toBe(9);
		expect(await auditActions(user.id)).toContain('auth.recovery_code_used');

		const second = await signIn(db, { email: user.email, password: PASSWORD }, address);
		await expect(verifySecondFactor(db, sessionIdFromToken(second.token), user.id, user.email, { code: codes[3] }, address)).rejects.toMatchObject({
			code: 'totp_invalid'
		});
		expect((await validateSessionToken(db, second.token)).session?.twoFactorVerified).toBe(false);
	});

	it('does not accept another person’s recovery code', async () => {
		const a = await enrolledStaff();
		const b = await enrolledStaff();
		const address = `10.3.${rand(1)}.1`;
		const result = await signIn(db, { email: a.user.email, password: PASSWORD }, address);
		await expect(verifySecondFactor(db, sessionIdFromToken(result.token), a.user.id, a.user.email, { code: b.codes[0] }, address)).rejects.toMatchObject({
			code: 'totp_invalid'
		});
		expect(await unusedRecoveryCodes(db, b.user.id)).toBe(10);
	});

	it('stops accepting codes after too many wrong ones', async () => {
		const { user, key } = await enrolledStaff();
		const address = `10.4.${rand(1)}.1`;
		const result = await signIn(db, { email: user.email, password: PASSWORD }, address);
		const sessionId = sessionIdFromToken(result.token);
		let limited = false;
		for (let i = 0; i < 30 && !limited; i++) {
			try {
				await verifySecondFactor(db, sessionId, user.id, user.email, { code: '000000' }, address);
			} catch (e) {
				limited = (e as { code?: string }).code === 'rate_limited';
			}
		}
		expect(limited).toBe(true);
		await expect(verifySecondFactor(db, sessionId, user.id, user.email, { code: await codeFor(key) }, address)).rejects.toMatchObject({ code: 'rate_limited' });
	});
});

describe('managing two-factor authentication', () => {
	it('regenerates recovery codes with a current code: the old ones stop working', async () => {
		const { user, key, codes, actor } = await enrolledStaff();
		await expect(regenerateRecoveryCodes(db, actor, { code: '000000' })).rejects.toMatchObject({ code: 'totp_invalid' });
		expect(await unusedRecoveryCodes(db, user.id)).toBe(10);

		const fresh = await regenerateRecoveryCodes(db, actor, { code: await codeFor(key) });
		expect(fresh).toHaveLength(10);
		expect(fresh).not.toContain(codes[0]);
		const address = `10.5.${rand(1)}.1`;
		const result = await signIn(db, { email: user.email, password: PASSWORD }, address);
		const sessionId = sessionIdFromToken(result.token);
		await expect(verifySecondFactor(db, sessionId, user.id, user.email, { code: codes[0] }, address)).rejects.toMatchObject({ code: 'totp_invalid' });
		await verifySecondFactor(db, sessionId, user.id, user.email, { code: fresh[0] }, address);
		expect(await auditActions(user.id)).toContain('auth.recovery_regenerate');
	});

	it('disables 2FA only with a current code or a recovery code', async () => {
		const { user, key, actor } = await enrolledStaff();
		await expect(disableTotp(db, actor, { code: '000000' })).rejects.toMatchObject({ code: 'totp_invalid' });
		await expect(disableTotp(db, actor, {})).rejects.toMatchObject({ code: 'field_required' });
		expect((await userRow(user.id)).totpKey).toBe(key);

		await disableTotp(db, actor, { code: await codeFor(key) });
		expect((await userRow(user.id)).totpKey).toBeNull();
		expect(await unusedRecoveryCodes(db, user.id)).toBe(0);
		expect(await auditActions(user.id)).toContain('auth.totp_disable');
		// Signing in now needs only the password.
		const result = await signIn(db, { email: user.email, password: PASSWORD }, `10.6.${rand(1)}.1`);
		expect(result.needsSecondFactor).toBe(false);

		// With 2FA off there is nothing to disable or regenerate.
		await expect(disableTotp(db, actor, { code: anyCodeFor(key) })).rejects.toMatchObject({ code: 'bad_request' });
		await expect(regenerateRecoveryCodes(db, actor, { code: anyCodeFor(key) })).rejects.toMatchObject({ code: 'bad_request' });
	});

	it('lets someone who lost their phone disable 2FA with a recovery code', async () => {
		const { user, codes, actor } = await enrolledStaff();
		await disableTotp(db, actor, { code: codes[9] });
		expect((await userRow(user.id)).totpKey).toBeNull();
	});

	it('verifies a stale unverified session when 2FA was turned off meanwhile', async () => {
		const { user, key, actor } = await enrolledStaff();
		const address = `10.7.${rand(1)}.1`;
		const result = await signIn(db, { email: user.email, password: PASSWORD }, address);
		await disableTotp(db, actor, { code: await codeFor(key) });
		await verifySecondFactor(db, sessionIdFromToken(result.token), user.id, user.email, { code: 'anything' }, address);
		expect((await validateSessionToken(db, result.token)).session?.twoFactorVerified).toBe(true);
	});

	it('reports twoFactorEnabled on the session user, which the clinic layout checks for mandatory 2FA', async () => {
		const { user } = await enrolledStaff();
		const { token } = await signedIn(user.id);
		expect((await validateSessionToken(db, token)).user?.twoFactorEnabled).toBe(true);
		const plain = await makeUser(db);
		const other = await signedIn(plain.id);
		expect((await validateSessionToken(db, other.token)).user?.twoFactorEnabled).toBe(false);
		const rows = await db
			.select()
			.from(session)
			.where(and(eq(session.userId, plain.id), isNull(session.activeClinicId)));
		expect(rows).toHaveLength(1);
	});
});
