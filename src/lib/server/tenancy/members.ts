import { and, eq, ne, sql } from 'drizzle-orm';
import { appUser, membership, type Role } from '../db/schema';
import type { Db, Tx } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { conflict, forbidden, notFound } from '../errors';
import { isUniqueViolation } from '../db/errors';
import { hashPassword } from '../auth/password';
import { invalidateUserSessions } from '../auth/session';
import { parseInput } from '../validation';
import { memberInput, password as passwordSchema, role as roleSchema } from './schema';
import { can, type ClinicActor } from './policy';
import { z } from 'zod';

export type ClinicContext = { clinicId: string; actor: ClinicActor };

function assertManage(ctx: ClinicContext) {
	if (!can(ctx.actor, 'members.manage')) throw forbidden('Only a clinic admin can manage staff');
}

/**
 * Adds a person to the clinic. A new email makes a new staff account with the given password;
 * an existing account (a doctor who works in two clinics) just gains the membership.
 */
export async function addMember(db: Db, ctx: ClinicContext, input: unknown) {
	assertManage(ctx);
	const data = parseInput(memberInput, input);
	const passwordHash = await hashPassword(data.password);
	try {
		return await runCommand(db, null, async (tx) => {
			const [existing] = await tx.select().from(appUser).where(sql`lower(${appUser.email}) = ${data.email}`);
			if (existing?.kind === 'patient') throw conflict('That email belongs to a patient account', 'email_taken', 'email');
			const user =
				existing ??
				(await tx.insert(appUser).values({ email: data.email, name: data.name, passwordHash, kind: 'staff' }).returning())[0];
			const [row] = await tx
				.insert(membership)
				.values({ clinicId: ctx.clinicId, userId: user.id, role: data.role })
				.onConflictDoUpdate({
					target: [membership.clinicId, membership.userId],
					set: { role: data.role, status: 'active' },
					setWhere: eq(membership.status, 'removed')
				})
				.returning();
			if (!row) throw conflict('That person is already a member of this clinic', 'already_member', 'email');
			await appendAudit(tx, {
				clinicId: ctx.clinicId,
				actorUserId: ctx.actor.userId,
				action: 'member.add',
				entityType: 'membership',
				entityId: row.id,
				data: { userId: user.id, email: user.email, role: data.role, newAccount: !existing }
			});
			return { membershipId: row.id, userId: user.id, email: user.email, name: user.name, role: row.role };
		});
	} catch (e) {
		if (isUniqueViolation(e, 'app_user_email_key')) throw conflict('That email is already registered', 'email_taken', 'email');
		throw e;
	}
}

async function loadMembership(tx: Tx, clinicId: string, userId: string) {
	const [row] = await tx
		.select()
		.from(membership)
		.where(and(eq(membership.clinicId, clinicId), eq(membership.userId, userId), ne(membership.status, 'removed')))
		.for('update');
	if (!row) throw notFound('No such member');
	return row;
}

/** A clinic must keep at least one active admin. */
async function assertAdminRemains(tx: Tx, clinicId: string, leavingUserId: string) {
	const admins = await tx
		.select({ userId: membership.userId })
		.from(membership)
		.where(and(eq(membership.clinicId, clinicId), eq(membership.role, 'admin'), eq(membership.status, 'active')))
		.for('update');
	if (admins.every((a) => a.userId === leavingUserId)) {
		throw conflict('A clinic needs at least one active admin', 'last_admin');
	}
}

export async function changeMemberRole(db: Db, ctx: ClinicContext, userId: string, input: unknown) {
	assertManage(ctx);
	const newRole: Role = parseInput(z.object({ role: roleSchema }), input).role;
	return runCommand(db, null, async (tx) => {
		const row = await loadMembership(tx, ctx.clinicId, userId);
		if (row.role === 'admin' && newRole !== 'admin') await assertAdminRemains(tx, ctx.clinicId, userId);
		await tx.update(membership).set({ role: newRole }).where(eq(membership.id, row.id));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'member.role',
			entityType: 'membership',
			entityId: row.id,
			data: { userId, from: row.role, to: newRole }
		});
		return { userId, role: newRole };
	});
}

export async function setMemberStatus(db: Db, ctx: ClinicContext, userId: string, status: 'active' | 'suspended' | 'removed') {
	assertManage(ctx);
	return runCommand(db, null, async (tx) => {
		const row = await loadMembership(tx, ctx.clinicId, userId);
		if (status !== 'active' && row.role === 'admin') await assertAdminRemains(tx, ctx.clinicId, userId);
		await tx.update(membership).set({ status }).where(eq(membership.id, row.id));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: status === 'active' ? 'member.reactivate' : status === 'suspended' ? 'member.suspend' : 'member.remove',
			entityType: 'membership',
			entityId: row.id,
			data: { userId, from: row.status, to: status }
		});
		return { userId, status };
	});
}

/** An admin sets a new password for a member; every session of that person ends. */
export async function resetMemberPassword(db: Db, ctx: ClinicContext, userId: string, input: unknown) {
	assertManage(ctx);
	const newPassword = parseInput(z.object({ password: passwordSchema }), input).password;
	const passwordHash = await hashPassword(newPassword);
	await runCommand(db, null, async (tx) => {
		const row = await loadMembership(tx, ctx.clinicId, userId);
		await tx
			.update(appUser)
			.set({ passwordHash, passwordChangedAt: new Date(), mustChangePassword: true })
			.where(eq(appUser.id, userId));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'member.password_reset',
			entityType: 'membership',
			entityId: row.id,
			data: { userId }
		});
	});
	await invalidateUserSessions(db, userId);
	return { userId };
}
