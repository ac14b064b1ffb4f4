import { beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeMember, makeSession, makeUser, rand, PASSWORD } from '../factories';
import { appUser, auditLog } from '../../src/lib/server/db/schema';
import type { Db } from '../../src/lib/server/db';
import { changePassword, signUpPatient } from '../../src/lib/server/auth/account';
import { signIn } from '../../src/lib/server/auth/signIn';
import { sessionIdFromToken, validateSessionToken } from '../../src/lib/server/auth/session';
import { resetMemberPassword } from '../../src/lib/server/tenancy/members';

let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

const address = () => `10.9.${rand(1)}.${rand(1)}`;
/** Accounts holding one of these emails, in any case (other test files add accounts at the same time, so never count the whole table). */
const accountsWith = async (...emails: string[]) =>
	(
		await db
			.select({ n: sql<number>`count(*)::int` })
			.from(appUser)
			.where(
				inArray(
					sql`lower(${appUser.email})`,
					emails.map((e) => e.toLowerCase())
				)
			)
	)[0].n;

describe('patient sign-up', () => {
	it('creates a patient account, signed in, with an audit row', async () => {
		const email = `Pat-${rand()}@Example.TEST`;
		const result = await signUpPatient(db, { name: '  Sana Iqbal ', email, password: 'a long enough password' });
		expect(result.user).toMatchObject({ name: 'Sana Iqbal', email: email.toLowerCase(), kind: 'patient' });
		const { user, session } = await validateSessionToken(db, result.token);
		expect(user).toMatchObject({ id: result.user.id, kind: 'patient', twoFactorEnabled: false, mustChangePassword: false });
		expect(session?.twoFactorVerified).toBe(true);
		const audit = await db.select().from(auditLog).where(eq(auditLog.actorUserId, result.user.id));
		expect(audit.map((a) => a.action)).toEqual(['patient.sign_up']);
		// The password works for a later sign-in.
		const again = await signIn(db, { email, password: 'a long enough password' }, address());
		expect(again.user.kind).toBe('patient');
	});

	it('refuses an email that is already registered, whatever its case', async () => {
		const email = `dup-${rand()}@example.test`;
		await signUpPatient(db, { name: 'First', email, password: 'a long enough password' });
		await expect(signUpPatient(db, { name: 'Second', email: email.toUpperCase(), password: 'another long password' })).rejects.toMatchObject({
			code: 'email_taken',
			status: 409,
			field: 'email'
		});
		const staff = await makeUser(db);
		await expect(signUpPatient(db, { name: 'Third', email: staff.email, password: 'another long password' })).rejects.toMatchObject({
			code: 'email_taken'
		});
		expect(await accountsWith(email)).toBe(1);
		expect(await accountsWith(staff.email)).toBe(1);
	});

	it('refuses bad input with the offending field and creates nothing', async () => {
		const ok = { name: 'Bilal', email: `ok-${rand()}@example.test`, password: 'a long enough password' };
		const cases: [Record<string, unknown>, string, string][] = [
			[{ ...ok, name: '' }, 'name', 'field_required'],
			[{ ...ok, name: '   ' }, 'name', 'field_required'],
			[{ ...ok, name: 'x'.repeat(121) }, 'name', 'field_too_long'],
			[{ ...ok, name: 'Bad\u0000name' }, 'name', 'field_invalid'],
			[{ ...ok, email: 'not-an-email' }, 'email', 'field_invalid'],
			[{ ...ok, email: "x' OR 1=1 --@example.test" }, 'email', 'field_invalid'],
			[{ ...ok, email: undefined }, 'email', 'field_required'],
			[{ ...ok, password: 'short' }, 'password', 'field_too_short'],
			[{ ...ok, password: 'p'.repeat(201) }, 'password', 'field_too_long'],
			[{ ...ok, password: 12345678901 }, 'password', 'field_invalid'],
			[{ ...ok, kind: 'staff', name: 42 }, 'name', 'field_invalid']
		];
		for (const [input, field, code] of cases) {
			await expect(signUpPatient(db, input), JSON.stringify(input)).rejects.toMatchObject({ status: 400, field, code });
		}
		expect(await accountsWith(ok.email, "x' OR 1=1 --@example.test")).toBe(0);
	});

	it('stores injection-looking names as plain text, and cannot be talked into making staff', async () => {
		const name = `Robert'); DROP TABLE app_user;-- <script>alert(1)</script>`;
		const result = await signUpPatient(db, { name, email: `inj-${rand()}@example.test`, password: 'a long enough password', kind: 'staff' });
		const [row] = await db.select().from(appUser).where(eq(appUser.id, result.user.id));
		expect(row.name).toBe(name);
		expect(row.kind).toBe('patient');
	});
});

describe('changing a password', () => {
	it('needs the current password, ends every other session, keeps the one that changed it and clears must-change-password', async () => {
		const user = await makeUser(db, { mustChangePassword: true });
		const current = await makeSession(db, user.id);
		const others = [await makeSession(db, user.id), await makeSession(db, user.id)];
		const actor = { userId: user.id, email: user.email, address: address() };
		const sessionId = sessionIdFromToken(current);

		await expect(changePassword(db, actor, sessionId, { currentPassword: 'wrong password', newPassword: 'my new password 1' })).rejects.toMatchObject({
			code: 'invalid_credentials',
			field: 'currentPassword'
		});
		await expect(changePassword(db, actor, sessionId, { currentPassword: PASSWORD, newPassword: 'short' })).rejects.toMatchObject({
			code: 'field_too_short',
			field: 'newPassword'
		});
		await expect(changePassword(db, actor, sessionId, { currentPassword: PASSWORD, newPassword: PASSWORD })).rejects.toMatchObject({
			code: 'field_invalid',
			field: 'newPassword'
		});
		expect((await validateSessionToken(db, others[0])).user?.mustChangePassword).toBe(true);

		await changePassword(db, actor, sessionId, { currentPassword: PASSWORD, newPassword: 'my new password 1' });
		for (const t of others) expect((await validateSessionToken(db, t)).session).toBeNull();
		expect((await validateSessionToken(db, current)).user?.mustChangePassword).toBe(false);
		await expect(signIn(db, { email: user.email, password: PASSWORD }, address())).rejects.toMatchObject({ code: 'invalid_credentials' });
		const result = await signIn(db, { email: user.email, password: 'my new password 1' }, address());
		expect((await validateSessionToken(db, result.token)).user?.mustChangePassword).toBe(false);
	});

	it('stops guessing the current password after too many wrong tries', async () => {
		const user = await makeUser(db);
		const actor = { userId: user.id, email: user.email, address: address() };
		let limited = false;
		for (let i = 0; i < 30 && !limited; i++) {
			try {
				await changePassword(db, actor, 'no-session', { currentPassword: `guess ${i}`, newPassword: 'my new password 1' });
			} catch (e) {
				limited = (e as { code?: string }).code === 'rate_limited';
			}
		}
		expect(limited).toBe(true);
	});
});

describe('after an admin resets a member’s password', () => {
	it('the next session carries mustChangePassword until the member picks their own', async () => {
		const clinic = await makeClinic(db);
		const admin = await makeMember(db, clinic.id, 'admin');
		const member = await makeMember(db, clinic.id, 'doctor');
		const ctx = { clinicId: clinic.id, actor: { userId: admin.id, role: 'admin' as const } };
		await resetMemberPassword(db, ctx, member.id, { password: 'temporary pass 1' });

		const first = await signIn(db, { email: member.email, password: 'temporary pass 1' }, address());
		expect((await validateSessionToken(db, first.token)).user?.mustChangePassword).toBe(true);

		const actor = { userId: member.id, email: member.email, address: address() };
		await changePassword(db, actor, sessionIdFromToken(first.token), { currentPassword: 'temporary pass 1', newPassword: 'only i know this' });
		// The session that changed it goes on, no longer held at the change-password page.
		expect((await validateSessionToken(db, first.token)).user?.mustChangePassword).toBe(false);
		const second = await signIn(db, { email: member.email, password: 'only i know this' }, address());
		expect((await validateSessionToken(db, second.token)).user?.mustChangePassword).toBe(false);
	});
});
