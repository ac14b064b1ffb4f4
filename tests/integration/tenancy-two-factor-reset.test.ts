import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeMember, makeSession, rand, PASSWORD } from '../factories';
import { appUser, auditLog, clinic as clinicTable, membership, recoveryCode, type Role } from '../../src/lib/server/db/schema';
import type { Db } from '../../src/lib/server/db';
import { signIn } from '../../src/lib/server/auth/signIn';
import { validateSessionToken } from '../../src/lib/server/auth/session';
import { generateRecoveryCodes, generateTotpKey, hashRecoveryCode } from '../../src/lib/server/auth/totp';
import { setMemberStatus } from '../../src/lib/server/tenancy/members';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import { resetMemberTwoFactor } from '../../src/lib/server/tenancy/resetMemberTwoFactor';

let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

const ctxOf = (clinicId: string, userId: string, role: Role | null): ClinicContext => ({ clinicId, actor: { userId, role } });
const address = () => `10.8.${parseInt(rand(1), 16)}.${parseInt(rand(1), 16)}`;

async function clinicWithAdmin(require2fa = false) {
	const clinic = await makeClinic(db, { require2fa });
	const admin = await makeMember(db, clinic.id, 'admin', { totpKey: generateTotpKey() });
	return { clinic, admin, ctx: ctxOf(clinic.id, admin.id, 'admin') };
}

/** A member who has 2FA on, with recovery codes and a signed-in session. */
async function memberWithTwoFactor(clinicId: string, role: Role = 'doctor') {
	const user = await makeMember(db, clinicId, role, { totpKey: generateTotpKey(), totpLastStep: 1_000 });
	await db.insert(recoveryCode).values(generateRecoveryCodes().map((c) => ({ userId: user.id, codeHash: hashRecoveryCode(c) })));
	const token = await makeSession(db, user.id);
	return { user, token };
}

const secondFactorOf = async (userId: string) => {
	const [row] = await db
		.select({ key: appUser.totpKey, pending: appUser.totpPendingKey, lastStep: appUser.totpLastStep })
		.from(appUser)
		.where(eq(appUser.id, userId));
	const codes = await db.select({ id: recoveryCode.id }).from(recoveryCode).where(eq(recoveryCode.userId, userId));
	return { ...row, recoveryCodes: codes.length };
};
const resets = async (clinicId: string) =>
	(await db.select({ action: auditLog.action, actor: auditLog.actorUserId, data: auditLog.data }).from(auditLog).where(eq(auditLog.clinicId, clinicId))).filter(
		(r) => r.action === 'member.two_factor_reset'
	);

describe('an admin resets a member’s two-factor authentication', () => {
	it('turns it off with the recovery codes, ends every session, audits it; the member signs in with the password alone', async () => {
		const { clinic, admin, ctx } = await clinicWithAdmin();
		const { user, token } = await memberWithTwoFactor(clinic.id);
		const second = await makeSession(db, user.id);
		expect(await resetMemberTwoFactor(db, ctx, user.id)).toEqual({ userId: user.id });
		expect(await secondFactorOf(user.id)).toEqual({ key: null, pending: null, lastStep: null, recoveryCodes: 0 });
		for (const t of [token, second]) expect((await validateSessionToken(db, t)).session).toBeNull();
		expect(await resets(clinic.id)).toEqual([{ action: 'member.two_factor_reset', actor: admin.id, data: { userId: user.id } }]);
		const result = await signIn(db, { email: user.email, password: PASSWORD }, address());
		expect(result.needsSecondFactor).toBe(false);
		// The admin's own sessions and second factor are untouched.
		expect((await secondFactorOf(admin.id)).key).not.toBeNull();
	});

	it('leaves a member of a clinic that requires 2FA without it, so the clinic sends them to set it up again', async () => {
		const { clinic, ctx } = await clinicWithAdmin(true);
		const { user } = await memberWithTwoFactor(clinic.id, 'reception');
		await resetMemberTwoFactor(db, ctx, user.id);
		const { token } = await signIn(db, { email: user.email, password: PASSWORD }, address());
		const { user: sessionUser } = await validateSessionToken(db, token);
		// The clinic layout redirects to /account/security?required=… exactly when this holds.
		const [row] = await db.select({ require2fa: clinicTable.require2fa }).from(clinicTable).where(eq(clinicTable.id, clinic.id));
		expect({ required: row.require2fa, enabled: sessionUser?.twoFactorEnabled }).toEqual({ required: true, enabled: false });
	});

	it('refuses non-admins, the admin’s own second factor, other clinics’ and removed members, and members without 2FA, changing nothing', async () => {
		const { clinic, admin, ctx } = await clinicWithAdmin();
		const { user, token } = await memberWithTwoFactor(clinic.id);
		const before = await secondFactorOf(user.id);
		const reception = await makeMember(db, clinic.id, 'reception');
		await expect(resetMemberTwoFactor(db, ctxOf(clinic.id, reception.id, 'reception'), user.id)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
		await expect(resetMemberTwoFactor(db, ctxOf(clinic.id, user.id, 'doctor'), user.id)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
		await expect(resetMemberTwoFactor(db, ctx, admin.id)).rejects.toMatchObject({ status: 403, code: 'own_two_factor_reset' });
		const other = await clinicWithAdmin();
		await expect(resetMemberTwoFactor(db, other.ctx, user.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
		await expect(resetMemberTwoFactor(db, ctx, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404 });
		expect(await secondFactorOf(user.id)).toEqual(before);
		expect((await secondFactorOf(admin.id)).key).not.toBeNull();
		expect((await validateSessionToken(db, token)).session).not.toBeNull();

		const plain = await makeMember(db, clinic.id, 'doctor');
		const plainToken = await makeSession(db, plain.id);
		await expect(resetMemberTwoFactor(db, ctx, plain.id)).rejects.toMatchObject({ status: 409, code: 'two_factor_off' });
		expect((await validateSessionToken(db, plainToken)).session).not.toBeNull();

		const leaver = await memberWithTwoFactor(clinic.id);
		await setMemberStatus(db, ctx, leaver.user.id, 'removed');
		await expect(resetMemberTwoFactor(db, ctx, leaver.user.id)).rejects.toMatchObject({ status: 404 });
		expect((await secondFactorOf(leaver.user.id)).key).not.toBeNull();
		expect(await resets(clinic.id)).toEqual([]);
	});

	it('is refused for someone who also works at a clinic the admin does not administer, until the admin administers it too', async () => {
		const { clinic, admin, ctx } = await clinicWithAdmin();
		const other = await clinicWithAdmin();
		const { user, token } = await memberWithTwoFactor(other.clinic.id, 'admin');
		await db.insert(membership).values({ clinicId: clinic.id, userId: user.id, role: 'doctor' });
		await expect(resetMemberTwoFactor(db, ctx, user.id)).rejects.toMatchObject({ status: 403, code: 'member_in_other_clinic' });
		expect((await secondFactorOf(user.id)).key).not.toBeNull();
		expect((await validateSessionToken(db, token)).session).not.toBeNull();
		await db.insert(membership).values({ clinicId: other.clinic.id, userId: admin.id, role: 'admin' });
		await resetMemberTwoFactor(db, ctx, user.id);
		expect((await secondFactorOf(user.id)).key).toBeNull();
		expect((await validateSessionToken(db, token)).session).toBeNull();
	});
});
