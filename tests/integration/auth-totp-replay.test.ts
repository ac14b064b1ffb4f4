import { randomInt } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { decodeBase64 } from '@oslojs/encoding';
import { testDatabase } from '../db';
import { freshTotp, totpAt } from '../totp';
import { makeClinic, makeMember, PASSWORD } from '../factories';
import { appUser } from '../../src/lib/server/db/schema';
import type { Db } from '../../src/lib/server/db';
import { beginTotpEnrolment, confirmTotpEnrolment, disableTotp, regenerateRecoveryCodes } from '../../src/lib/server/auth/account';
import { signIn, verifySecondFactor } from '../../src/lib/server/auth/signIn';
import { createSession, generateSessionToken, sessionIdFromToken, validateSessionToken } from '../../src/lib/server/auth/session';
import { isAppError } from '../../src/lib/server/errors';

/** Runs on PGlite, and on PostgreSQL with DATABASE_URL, where the simultaneous sign-ins really overlap. */
let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

const totpRow = async (id: string) => (await db.select({ key: appUser.totpKey, lastStep: appUser.totpLastStep }).from(appUser).where(eq(appUser.id, id)))[0];
const address = () => `10.9.${randomInt(256)}.${randomInt(1, 255)}`;

/** A staff member with 2FA on, enrolled with the code of this time step. */
async function enrolledStaff() {
	const clinic = await makeClinic(db);
	const user = await makeMember(db, clinic.id, 'doctor');
	const token = generateSessionToken();
	await createSession(db, token, user.id, { twoFactorVerified: true });
	await beginTotpEnrolment(db, user.id, user.email);
	const pending = (await db.select({ key: appUser.totpPendingKey }).from(appUser).where(eq(appUser.id, user.id)))[0].key!;
	const key = decodeBase64(pending);
	await confirmTotpEnrolment(db, user.id, sessionIdFromToken(token), { code: await freshTotp(key) });
	return { user, key, actor: { userId: user.id, email: user.email, address: address() } };
}

async function unverifiedSession(email: string, from: string) {
	const result = await signIn(db, { email, password: PASSWORD }, from);
	expect(result.needsSecondFactor).toBe(true);
	return result.token;
}

const verified = async (token: string) => (await validateSessionToken(db, token)).session?.twoFactorVerified;
const outcome = (r: PromiseSettledResult<unknown>) => (r.status === 'fulfilled' ? 'accepted' : isAppError(r.reason) ? r.reason.code : String(r.reason));

describe('a TOTP code works once', () => {
	it('refuses the same code on a second sign-in, and an earlier step’s code, at both steps of the web sign-in', async () => {
		const { user, key } = await enrolledStaff();
		const from = address();
		const code = await freshTotp(key);
		const first = await unverifiedSession(user.email, from);
		await verifySecondFactor(db, sessionIdFromToken(first), user.id, user.email, { code }, from);
		expect(await verified(first)).toBe(true);
		const stepAfterFirst = (await totpRow(user.id)).lastStep;

		const second = await unverifiedSession(user.email, from);
		await expect(verifySecondFactor(db, sessionIdFromToken(second), user.id, user.email, { code }, from)).rejects.toMatchObject({
			status: 400,
			code: 'totp_invalid',
			field: 'code'
		});
		// The code a phone a step behind would show is older still.
		const behind = totpAt(key, -1);
		if (behind !== code) {
			await expect(verifySecondFactor(db, sessionIdFromToken(second), user.id, user.email, { code: behind }, from)).rejects.toMatchObject({
				code: 'totp_invalid'
			});
		}
		expect(await verified(second)).toBe(false);
		expect((await totpRow(user.id)).lastStep).toBe(stepAfterFirst);
	});

	it('refuses a code already used with the password in one request (the API sign-in)', async () => {
		const { user, key } = await enrolledStaff();
		const code = await freshTotp(key);
		const ok = await signIn(db, { email: user.email, password: PASSWORD, totp: code }, address(), { requireTotpInline: true });
		expect(ok.needsSecondFactor).toBe(false);
		await expect(signIn(db, { email: user.email, password: PASSWORD, totp: code }, address(), { requireTotpInline: true })).rejects.toMatchObject({
			status: 401,
			code: 'totp_invalid'
		});
	});

	it('refuses the code that turned 2FA on as a sign-in code', async () => {
		const clinic = await makeClinic(db);
		const user = await makeMember(db, clinic.id, 'reception');
		const token = generateSessionToken();
		await createSession(db, token, user.id, { twoFactorVerified: true });
		await beginTotpEnrolment(db, user.id, user.email);
		const key = decodeBase64((await db.select({ key: appUser.totpPendingKey }).from(appUser).where(eq(appUser.id, user.id)))[0].key!);
		const code = await freshTotp(key);
		await confirmTotpEnrolment(db, user.id, sessionIdFromToken(token), { code });
		expect((await totpRow(user.id)).lastStep).not.toBeNull();
		await expect(signIn(db, { email: user.email, password: PASSWORD, totp: code }, address(), { requireTotpInline: true })).rejects.toMatchObject({
			code: 'totp_invalid'
		});
	});

	it('refuses a code spent on signing in for turning 2FA off or making new recovery codes; nothing changes', async () => {
		const { user, key, actor } = await enrolledStaff();
		const code = await freshTotp(key);
		await signIn(db, { email: user.email, password: PASSWORD, totp: code }, address(), { requireTotpInline: true });
		const before = await totpRow(user.id);
		await expect(disableTotp(db, actor, { code })).rejects.toMatchObject({ code: 'totp_invalid' });
		await expect(regenerateRecoveryCodes(db, actor, { code })).rejects.toMatchObject({ code: 'totp_invalid' });
		expect(await totpRow(user.id)).toEqual(before);
		expect(before.key).not.toBeNull();
	});

	it('of simultaneous second steps with one code, exactly one session is verified', async () => {
		const { user, key } = await enrolledStaff();
		const from = address();
		const tokens = await Promise.all(Array.from({ length: 4 }, () => unverifiedSession(user.email, from)));
		const code = await freshTotp(key);
		const results = await Promise.allSettled(tokens.map((t) => verifySecondFactor(db, sessionIdFromToken(t), user.id, user.email, { code }, from)));
		expect(results.map(outcome).sort()).toEqual(['accepted', 'totp_invalid', 'totp_invalid', 'totp_invalid']);
		const states = await Promise.all(tokens.map(verified));
		expect(states.filter(Boolean)).toHaveLength(1);
		expect(states.findIndex(Boolean)).toBe(results.findIndex((r) => r.status === 'fulfilled'));
	});

	it('of simultaneous API sign-ins with one code, exactly one gets a session', async () => {
		const { user, key } = await enrolledStaff();
		const code = await freshTotp(key);
		const results = await Promise.allSettled(
			Array.from({ length: 4 }, () => signIn(db, { email: user.email, password: PASSWORD, totp: code }, address(), { requireTotpInline: true }))
		);
		expect(results.map(outcome).sort()).toEqual(['accepted', 'totp_invalid', 'totp_invalid', 'totp_invalid']);
	});
});
