import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { appUser, membership, session, type Role } from '../db/schema';
import type { Db, Tx } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, conflict, forbidden, notFound } from '../errors';
import { isUniqueViolation } from '../db/errors';
import { hashPassword } from '../auth/password';
import { parseInput } from '../validation';
import { memberInput, password as passwordSchema, role as roleSchema } from './schema';
import { can } from './policy';
import type { ClinicContext } from './context';
import { z } from 'zod';
import { clinicDocumentsChanged } from '../sync/changes';
import { issueInvitation } from './invitations';

export function assertManage(ctx: ClinicContext) {
	if (!can(ctx.actor, 'members.manage')) throw forbidden('Only a clinic admin can manage staff');
}

/**
 * Adds a person to the clinic. A new email makes a new staff account, with the given password or,
 * without one, an invitation by email to set their own (tenancy/invitations.ts); an existing
 * account (a doctor who works in two clinics) just gains the membership and keeps its own password.
 */
export async function addMember(db: Db, ctx: ClinicContext, input: unknown) {
	assertManage(ctx);
	const data = parseInput(memberInput, input);
	const passwordHash = data.password ? await hashPassword(data.password) : null;
	try {
		return await runCommand(db, null, async (tx) => {
			await lockClinicMembers(tx, ctx.clinicId);
			const [existing] = await tx
				.select()
				.from(appUser)
				.where(sql`lower(${appUser.email}) = ${data.email}`);
			if (existing?.kind === 'patient') throw conflict('That email belongs to a patient account', 'email_taken', 'email');
			const user =
				existing ??
				(
					await tx
						.insert(appUser)
						.values({ email: data.email, name: data.name, passwordHash: passwordHash ?? '', kind: 'staff' })
						.returning()
				)[0];
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
			// Without a password the person sets their own through an emailed link; so does an
			// account invited elsewhere that has not joined yet.
			const invited = !passwordHash && user.passwordHash === '';
			if (invited) await issueInvitation(tx, { clinicId: ctx.clinicId, userId: user.id, createdBy: ctx.actor.userId });
			await appendAudit(tx, {
				clinicId: ctx.clinicId,
				actorUserId: ctx.actor.userId,
				action: 'member.add',
				entityType: 'membership',
				entityId: row.id,
				data: { userId: user.id, email: user.email, role: data.role, newAccount: !existing, invited }
			});
			await clinicDocumentsChanged(tx, [ctx.clinicId]);
			return { membershipId: row.id, userId: user.id, email: user.email, name: user.name, role: row.role, newAccount: !existing, invited };
		});
	} catch (e) {
		if (isUniqueViolation(e, 'app_user_email_key')) throw conflict('That email is already registered', 'email_taken', 'email');
		throw e;
	}
}

/**
 * Serializes membership changes within one clinic, so two admins demoting each other at once
 * cannot both pass the last-admin check (and cannot deadlock on each other's row locks).
 */
async function lockClinicMembers(tx: Tx, clinicId: string) {
	await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${'members:' + clinicId}))`);
}

/** The member's membership row, locked; a removed member is no member. */
export async function loadMembership(tx: Tx, clinicId: string, userId: string) {
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
		await lockClinicMembers(tx, ctx.clinicId);
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
		// Every document of the clinic: what they show, and who may still have them open.
		await clinicDocumentsChanged(tx, [ctx.clinicId]);
		return { userId, role: newRole };
	});
}

export async function setMemberStatus(db: Db, ctx: ClinicContext, userId: string, status: 'active' | 'suspended' | 'removed') {
	assertManage(ctx);
	return runCommand(db, null, async (tx) => {
		await lockClinicMembers(tx, ctx.clinicId);
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
		await clinicDocumentsChanged(tx, [ctx.clinicId]);
		return { userId, status };
	});
}

/**
 * An admin sets a new password for a member, who must change it at next sign-in; every session
 * of that person ends. Only for someone whose every clinic the admin administers (see below).
 */
export async function resetMemberPassword(db: Db, ctx: ClinicContext, userId: string, input: unknown) {
	assertManage(ctx);
	const newPassword = parseInput(z.object({ password: passwordSchema }), input).password;
	const passwordHash = await hashPassword(newPassword);
	await runCommand(db, null, async (tx) => {
		const row = await loadMembership(tx, ctx.clinicId, userId);
		await assertAdministersEveryClinicOf(tx, ctx, userId);
		await tx.update(appUser).set({ passwordHash, passwordChangedAt: new Date(), mustChangePassword: true }).where(eq(appUser.id, userId));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'member.password_reset',
			entityType: 'membership',
			entityId: row.id,
			data: { userId }
		});
		// Inside the transaction, so a failed audit write cannot leave sessions ended for nothing.
		await tx.delete(session).where(eq(session.userId, userId));
	});
	return { userId };
}

/**
 * Accounts are shared between clinics, so an admin may reset someone's password or second factor
 * only when they also administer every other clinic that person works at: otherwise adding a
 * colleague from another clinic and resetting them would take over their access there.
 */
export async function assertAdministersEveryClinicOf(tx: Tx, ctx: ClinicContext, userId: string) {
	const actorAdmin = alias(membership, 'actor_admin');
	const [elsewhere] = await tx
		.select({ clinicId: membership.clinicId })
		.from(membership)
		.leftJoin(
			actorAdmin,
			and(eq(actorAdmin.clinicId, membership.clinicId), eq(actorAdmin.userId, ctx.actor.userId), eq(actorAdmin.role, 'admin'), eq(actorAdmin.status, 'active'))
		)
		.where(and(eq(membership.userId, userId), ne(membership.clinicId, ctx.clinicId), ne(membership.status, 'removed'), isNull(actorAdmin.id)))
		.limit(1);
	if (elsewhere) throw new AppError('member_in_other_clinic', 403, 'That person also works at a clinic you do not administer');
}
