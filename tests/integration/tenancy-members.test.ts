import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeMember, makeSession, makeUser, rand, PASSWORD } from '../factories';
import { appUser, auditLog, membership, type Role } from '../../src/lib/server/db/schema';
import type { Db } from '../../src/lib/server/db';
import { signIn } from '../../src/lib/server/auth/signIn';
import { validateSessionToken } from '../../src/lib/server/auth/session';
import { addMember, changeMemberRole, resetMemberPassword, setMemberStatus } from '../../src/lib/server/tenancy/members';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import { activeMemberships, clinicMembership, findMember, listMembers } from '../../src/lib/server/tenancy/queries';

let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

const ctxOf = (clinicId: string, userId: string, role: Role | null): ClinicContext => ({ clinicId, actor: { userId, role } });
const address = () => `10.7.${rand(1)}.${rand(1)}`;
/** Accounts with this email; counting all users would race with other test files on a shared database. */
const accountsWith = async (email: string) =>
	(
		await db
			.select({ n: sql<number>`count(*)::int` })
			.from(appUser)
			.where(sql`lower(${appUser.email}) = ${email.toLowerCase()}`)
	)[0].n;
const auditActions = async (clinicId: string) =>
	(await db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.clinicId, clinicId))).map((r) => r.action);

/** A clinic with one admin, and that admin's command context. */
async function clinicWithAdmin() {
	const clinic = await makeClinic(db);
	const admin = await makeMember(db, clinic.id, 'admin');
	return { clinic, admin, ctx: ctxOf(clinic.id, admin.id, 'admin') };
}

describe('adding a member', () => {
	it('makes a new staff account that can sign in with the initial password', async () => {
		const { clinic, ctx } = await clinicWithAdmin();
		const email = `Dr-${rand()}@Example.test`;
		const added = await addMember(db, ctx, { name: ' Dr. Sana Malik ', email, role: 'doctor', password: 'initial password 1' });
		expect(added).toMatchObject({ name: 'Dr. Sana Malik', email: email.toLowerCase(), role: 'doctor', newAccount: true });
		const signedIn = await signIn(db, { email, password: 'initial password 1' }, address());
		expect(signedIn.user.kind).toBe('staff');
		expect(await clinicMembership(db, added.userId, { code: clinic.code })).toMatchObject({ role: 'doctor' });
		expect(await auditActions(clinic.id)).toContain('member.add');
	});

	it('lets an existing account join with the chosen role and keep its own password', async () => {
		const { clinic, ctx } = await clinicWithAdmin();
		const elsewhere = await makeClinic(db);
		const doctor = await makeMember(db, elsewhere.id, 'doctor');
		const added = await addMember(db, ctx, { name: 'Ignored Name', email: doctor.email.toUpperCase(), role: 'reception' });
		expect(added).toMatchObject({ userId: doctor.id, name: doctor.name, role: 'reception', newAccount: false });
		expect(await accountsWith(doctor.email)).toBe(1);
		// A password typed for an existing account is ignored: theirs still works.
		await addMember(db, (await clinicWithAdmin()).ctx, { name: 'x', email: doctor.email, role: 'doctor', password: 'admin chose this 1' });
		await expect(signIn(db, { email: doctor.email, password: PASSWORD }, address())).resolves.toMatchObject({ user: { id: doctor.id } });
		expect((await activeMemberships(db, doctor.id)).map((m) => m.clinicCode)).toContain(clinic.code);
	});

	it('invites a new account given no password instead of refusing it (tenancy-invitations.test.ts has the rest)', async () => {
		const { ctx } = await clinicWithAdmin();
		const email = `np-${rand()}@example.test`;
		await expect(addMember(db, ctx, { name: 'No Password', email, role: 'doctor' })).resolves.toMatchObject({ invited: true, newAccount: true });
		expect(await accountsWith(email)).toBe(1);
	});

	it('refuses someone who is already a member, active or suspended', async () => {
		const { clinic, ctx } = await clinicWithAdmin();
		const member = await makeMember(db, clinic.id, 'reception');
		await expect(addMember(db, ctx, { name: 'Again', email: member.email, role: 'doctor' })).rejects.toMatchObject({
			code: 'already_member',
			status: 409,
			field: 'email'
		});
		await setMemberStatus(db, ctx, member.id, 'suspended');
		await expect(addMember(db, ctx, { name: 'Again', email: member.email, role: 'doctor' })).rejects.toMatchObject({ code: 'already_member' });
		expect((await findMember(db, clinic.id, member.id))?.role).toBe('reception');
	});

	it('brings a removed member back, active, with the new role', async () => {
		const { clinic, ctx } = await clinicWithAdmin();
		const member = await makeMember(db, clinic.id, 'reception');
		await setMemberStatus(db, ctx, member.id, 'removed');
		expect(await findMember(db, clinic.id, member.id)).toBeNull();
		await addMember(db, ctx, { name: member.name, email: member.email, role: 'pharmacist' });
		expect(await findMember(db, clinic.id, member.id)).toMatchObject({ role: 'pharmacist', status: 'active' });
	});

	it("refuses a patient's email", async () => {
		const { ctx } = await clinicWithAdmin();
		const patient = await makeUser(db, { kind: 'patient' });
		await expect(addMember(db, ctx, { name: 'P', email: patient.email, role: 'doctor', password: 'initial password 1' })).rejects.toMatchObject({
			code: 'email_taken',
			field: 'email'
		});
	});

	it('refuses bad input with the offending field and creates nothing', async () => {
		const { clinic, ctx } = await clinicWithAdmin();
		const ok = { name: 'Valid Name', email: `ok-${rand()}@example.test`, role: 'doctor', password: 'initial password 1' };
		const cases: [Record<string, unknown>, string, string][] = [
			[{ ...ok, name: '' }, 'name', 'field_required'],
			[{ ...ok, name: 'x'.repeat(121) }, 'name', 'field_too_long'],
			[{ ...ok, name: 'Bad\u0007name' }, 'name', 'field_invalid'],
			[{ ...ok, email: "x' OR '1'='1" }, 'email', 'field_invalid'],
			[{ ...ok, role: 'owner' }, 'role', 'field_invalid'],
			[{ ...ok, password: 'short' }, 'password', 'field_too_short']
		];
		for (const [input, field, code] of cases) {
			await expect(addMember(db, ctx, input), JSON.stringify(input)).rejects.toMatchObject({ field, code, status: 400 });
		}
		expect(await accountsWith(ok.email)).toBe(0);
		expect(await listMembers(db, clinic.id)).toHaveLength(1);
	});

	it('stores names that look like markup or SQL as plain text', async () => {
		const { clinic, ctx } = await clinicWithAdmin();
		const name = `<img src=x onerror=alert(1)> Robert'); DROP TABLE membership;--`;
		const added = await addMember(db, ctx, { name, email: `inj-${rand()}@example.test`, role: 'reception', password: 'initial password 1' });
		expect((await findMember(db, clinic.id, added.userId))?.name).toBe(name);
	});

	it('is for admins only', async () => {
		const { clinic } = await clinicWithAdmin();
		for (const role of ['doctor', 'reception', 'pharmacist', null] as const) {
			const actor = await makeMember(db, clinic.id, 'doctor');
			await expect(
				addMember(db, ctxOf(clinic.id, actor.id, role), { name: 'X', email: `f-${rand()}@example.test`, role: 'admin', password: 'initial password 1' })
			).rejects.toMatchObject({ code: 'forbidden', status: 403 });
		}
	});
});

describe('the last active admin', () => {
	it('cannot be demoted, suspended or removed', async () => {
		const { clinic, admin, ctx } = await clinicWithAdmin();
		await expect(changeMemberRole(db, ctx, admin.id, { role: 'doctor' })).rejects.toMatchObject({ code: 'last_admin', status: 409 });
		await expect(setMemberStatus(db, ctx, admin.id, 'suspended')).rejects.toMatchObject({ code: 'last_admin' });
		await expect(setMemberStatus(db, ctx, admin.id, 'removed')).rejects.toMatchObject({ code: 'last_admin' });
		expect(await findMember(db, clinic.id, admin.id)).toMatchObject({ role: 'admin', status: 'active' });
	});

	it('can step down once another active admin exists, and a suspended admin does not count', async () => {
		const { clinic, admin, ctx } = await clinicWithAdmin();
		const second = await makeMember(db, clinic.id, 'admin');
		await setMemberStatus(db, ctx, second.id, 'suspended');
		await expect(changeMemberRole(db, ctx, admin.id, { role: 'doctor' })).rejects.toMatchObject({ code: 'last_admin' });
		await setMemberStatus(db, ctx, second.id, 'active');
		await changeMemberRole(db, ctx, admin.id, { role: 'doctor' });
		expect(await findMember(db, clinic.id, admin.id)).toMatchObject({ role: 'doctor' });
		const secondCtx = ctxOf(clinic.id, second.id, 'admin');
		await expect(setMemberStatus(db, secondCtx, second.id, 'removed')).rejects.toMatchObject({ code: 'last_admin' });
	});

	it('survives two admins demoting each other at the same moment', async () => {
		// Several rounds, so the two transactions really interleave at least once on PostgreSQL.
		for (let round = 0; round < 8; round++) {
			const { clinic, admin, ctx } = await clinicWithAdmin();
			const second = await makeMember(db, clinic.id, 'admin');
			const results = await Promise.allSettled([
				changeMemberRole(db, ctx, second.id, { role: 'doctor' }),
				changeMemberRole(db, ctxOf(clinic.id, second.id, 'admin'), admin.id, { role: 'doctor' })
			]);
			expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
			const rejected = results.find((r) => r.status === 'rejected');
			expect(rejected?.status === 'rejected' && rejected.reason).toMatchObject({ code: 'last_admin' });
			const admins = (await listMembers(db, clinic.id)).filter((m) => m.role === 'admin' && m.status === 'active');
			expect(admins).toHaveLength(1);
		}
	});
});

describe('role and status changes', () => {
	it('changes a role, with an audit row naming both roles', async () => {
		const { clinic, ctx } = await clinicWithAdmin();
		const member = await makeMember(db, clinic.id, 'reception');
		await changeMemberRole(db, ctx, member.id, { role: 'pharmacist' });
		expect(await clinicMembership(db, member.id, { code: clinic.code })).toMatchObject({ role: 'pharmacist' });
		const [row] = await db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.clinicId, clinic.id), eq(auditLog.action, 'member.role')));
		expect(row.data).toMatchObject({ userId: member.id, from: 'reception', to: 'pharmacist' });
	});

	it('refuses an unknown role and changes nothing', async () => {
		const { clinic, ctx } = await clinicWithAdmin();
		const member = await makeMember(db, clinic.id, 'reception');
		await expect(changeMemberRole(db, ctx, member.id, { role: 'superuser' })).rejects.toMatchObject({ code: 'field_invalid', field: 'role' });
		expect((await findMember(db, clinic.id, member.id))?.role).toBe('reception');
	});

	it("cannot touch another clinic's staff", async () => {
		const { ctx } = await clinicWithAdmin();
		const other = await clinicWithAdmin();
		const outsider = await makeMember(db, other.clinic.id, 'doctor');
		await expect(changeMemberRole(db, ctx, outsider.id, { role: 'admin' })).rejects.toMatchObject({ code: 'not_found' });
		await expect(setMemberStatus(db, ctx, outsider.id, 'suspended')).rejects.toMatchObject({ code: 'not_found' });
		await expect(resetMemberPassword(db, ctx, outsider.id, { password: 'taken over 123' })).rejects.toMatchObject({ code: 'not_found' });
		expect(await clinicMembership(db, outsider.id, { code: other.clinic.code })).toMatchObject({ role: 'doctor' });
	});

	it('takes clinic access away from a suspended or removed member, and gives it back on reactivation', async () => {
		const { clinic, ctx } = await clinicWithAdmin();
		const member = await makeMember(db, clinic.id, 'doctor');
		await setMemberStatus(db, ctx, member.id, 'suspended');
		expect(await clinicMembership(db, member.id, { code: clinic.code })).toBeNull();
		expect(await activeMemberships(db, member.id)).toEqual([]);
		expect((await listMembers(db, clinic.id)).find((m) => m.userId === member.id)?.status).toBe('suspended');
		await setMemberStatus(db, ctx, member.id, 'active');
		expect(await clinicMembership(db, member.id, { code: clinic.code })).toMatchObject({ role: 'doctor' });
		await setMemberStatus(db, ctx, member.id, 'removed');
		expect(await clinicMembership(db, member.id, { code: clinic.code })).toBeNull();
		expect((await listMembers(db, clinic.id)).some((m) => m.userId === member.id)).toBe(false);
		await expect(setMemberStatus(db, ctx, member.id, 'active')).rejects.toMatchObject({ code: 'not_found' });
		expect(await auditActions(clinic.id)).toEqual(expect.arrayContaining(['member.suspend', 'member.reactivate', 'member.remove']));
	});

	it('is for admins only', async () => {
		const { clinic, admin } = await clinicWithAdmin();
		const reception = await makeMember(db, clinic.id, 'reception');
		const rctx = ctxOf(clinic.id, reception.id, 'reception');
		await expect(changeMemberRole(db, rctx, reception.id, { role: 'admin' })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(setMemberStatus(db, rctx, admin.id, 'suspended')).rejects.toMatchObject({ code: 'forbidden' });
		expect(await findMember(db, clinic.id, reception.id)).toMatchObject({ role: 'reception', status: 'active' });
	});
});

describe('resetting a password', () => {
	it('sets the new password, ends every session and asks for a change at next sign-in', async () => {
		const { clinic, ctx } = await clinicWithAdmin();
		const member = await makeMember(db, clinic.id, 'reception');
		const tokens = [await makeSession(db, member.id), await makeSession(db, member.id)];
		await resetMemberPassword(db, ctx, member.id, { password: 'temporary pass 1' });
		for (const token of tokens) expect((await validateSessionToken(db, token)).session).toBeNull();
		const [row] = await db.select({ must: appUser.mustChangePassword }).from(appUser).where(eq(appUser.id, member.id));
		expect(row.must).toBe(true);
		await expect(signIn(db, { email: member.email, password: PASSWORD }, address())).rejects.toMatchObject({ code: 'invalid_credentials' });
		await expect(signIn(db, { email: member.email, password: 'temporary pass 1' }, address())).resolves.toBeTruthy();
		expect(await auditActions(clinic.id)).toContain('member.password_reset');
	});

	it('refuses a short password and leaves the account as it was', async () => {
		const { clinic, ctx } = await clinicWithAdmin();
		const member = await makeMember(db, clinic.id, 'reception');
		const token = await makeSession(db, member.id);
		await expect(resetMemberPassword(db, ctx, member.id, { password: 'short' })).rejects.toMatchObject({ code: 'field_too_short', field: 'password' });
		expect((await validateSessionToken(db, token)).session).not.toBeNull();
	});

	it('is refused for someone who also works at a clinic the admin does not administer', async () => {
		const { clinic, ctx, admin } = await clinicWithAdmin();
		const other = await clinicWithAdmin();
		const shared = await makeMember(db, other.clinic.id, 'admin');
		await db.insert(membership).values({ clinicId: clinic.id, userId: shared.id, role: 'doctor' });
		const token = await makeSession(db, shared.id);
		await expect(resetMemberPassword(db, ctx, shared.id, { password: 'taken over 123' })).rejects.toMatchObject({
			code: 'member_in_other_clinic',
			status: 403
		});
		expect((await validateSessionToken(db, token)).session).not.toBeNull();
		await expect(signIn(db, { email: shared.email, password: PASSWORD }, address())).resolves.toBeTruthy();
		// An admin of both clinics may.
		await db.insert(membership).values({ clinicId: other.clinic.id, userId: admin.id, role: 'admin' });
		await resetMemberPassword(db, ctx, shared.id, { password: 'reset by admin 1' });
		expect((await validateSessionToken(db, token)).session).toBeNull();
	});

	it('is for admins only', async () => {
		const { clinic } = await clinicWithAdmin();
		const doctor = await makeMember(db, clinic.id, 'doctor');
		const reception = await makeMember(db, clinic.id, 'reception');
		await expect(resetMemberPassword(db, ctxOf(clinic.id, doctor.id, 'doctor'), reception.id, { password: 'doctor sets 123' })).rejects.toMatchObject({
			code: 'forbidden'
		});
	});
});
