import { and, eq, isNull } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { sha256 } from '@oslojs/crypto/sha2';
import { z } from 'zod';
import { appUser, clinic, membership, staffInvitation } from '../db/schema';
import type { Db, Tx } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, notFound } from '../errors';
import { hashPassword } from '../auth/password';
import { parseInput } from '../validation';
import { problem } from '../fieldCodes';
import { emit } from '../notifications/outbox';
import { password } from './schema';
import { assertManage } from './members';
import type { ClinicContext } from './context';

/** How long an invitation link works. */
export const INVITATION_DAYS = 7;

const hashToken = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

/**
 * Issues a single-use link for `userId` to set their own password and join the clinic: any open
 * invitation of theirs to the clinic is revoked, the new one's token goes to the outbox for the
 * email (only its hash is kept here). Called inside the command that adds or re-invites them.
 */
export async function issueInvitation(tx: Tx, input: { clinicId: string; userId: string; createdBy: string }, now = new Date()): Promise<{ expiresAt: Date }> {
	await tx
		.update(staffInvitation)
		.set({ revokedAt: now })
		.where(
			and(
				eq(staffInvitation.clinicId, input.clinicId),
				eq(staffInvitation.userId, input.userId),
				isNull(staffInvitation.usedAt),
				isNull(staffInvitation.revokedAt)
			)
		);
	const token = randomBytes(32).toString('base64url');
	const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000);
	const [row] = await tx
		.insert(staffInvitation)
		.values({ clinicId: input.clinicId, userId: input.userId, tokenHash: hashToken(token), createdBy: input.createdBy, expiresAt })
		.returning({ id: staffInvitation.id });
	await emit(tx, input.clinicId, {
		type: 'member.invited',
		payload: { invitationId: row.id, userId: input.userId, token, expiresAt: expiresAt.toISOString() }
	});
	return { expiresAt };
}

/** Sends a new invitation to a member who has not joined yet (the old link stops working). */
export async function resendInvitation(db: Db, ctx: ClinicContext, userId: unknown): Promise<{ expiresAt: string }> {
	assertManage(ctx);
	const id = z.uuid().safeParse(userId);
	if (!id.success) throw notFound('No such member');
	return runCommand(db, null, async (tx) => {
		const [member] = await tx
			.select({ passwordHash: appUser.passwordHash, email: appUser.email })
			.from(membership)
			.innerJoin(appUser, eq(appUser.id, membership.userId))
			.where(and(eq(membership.clinicId, ctx.clinicId), eq(membership.userId, id.data), eq(membership.status, 'active')));
		if (!member) throw notFound('No such member');
		if (member.passwordHash !== '') throw new AppError('already_joined', 409, 'This person has already set their password');
		const { expiresAt } = await issueInvitation(tx, { clinicId: ctx.clinicId, userId: id.data, createdBy: ctx.actor.userId });
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'member.invite',
			entityType: 'user',
			entityId: id.data,
			data: { email: member.email, again: true }
		});
		return { expiresAt: expiresAt.toISOString() };
	});
}

export type InvitationState = 'valid' | 'used' | 'expired' | 'unknown';

export type InvitationView = {
	state: InvitationState;
	email?: string;
	name?: string;
	clinicName?: string;
	clinicCode?: string;
};

async function findInvitation(db: Db | Tx, token: string) {
	if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
	const [row] = await db
		.select({
			id: staffInvitation.id,
			userId: staffInvitation.userId,
			clinicId: staffInvitation.clinicId,
			expiresAt: staffInvitation.expiresAt,
			usedAt: staffInvitation.usedAt,
			revokedAt: staffInvitation.revokedAt,
			email: appUser.email,
			name: appUser.name,
			passwordHash: appUser.passwordHash,
			clinicName: clinic.name,
			clinicCode: clinic.code
		})
		.from(staffInvitation)
		.innerJoin(appUser, eq(appUser.id, staffInvitation.userId))
		.innerJoin(clinic, eq(clinic.id, staffInvitation.clinicId))
		.where(eq(staffInvitation.tokenHash, hashToken(token)));
	return row ?? null;
}

function stateOf(row: NonNullable<Awaited<ReturnType<typeof findInvitation>>>, now: Date): InvitationState {
	if (row.usedAt || row.revokedAt) return 'used';
	if (row.expiresAt <= now) return 'expired';
	return 'valid';
}

/** What the invitation page shows for a link: who it is for and whether it still works. */
export async function readInvitation(db: Db, token: string, now = new Date()): Promise<InvitationView> {
	const row = await findInvitation(db, token);
	if (!row) return { state: 'unknown' };
	return { state: stateOf(row, now), email: row.email, name: row.name, clinicName: row.clinicName, clinicCode: row.clinicCode };
}

const acceptInput = z
	.object({ password, confirm: z.string().max(200) })
	.refine((v) => v.password === v.confirm, { ...problem('passwords_differ', 'the two passwords differ'), path: ['confirm'] });

/**
 * The invited person sets their password: the link is used up (two tabs submitting at once: one
 * wins, the other is told the link was used), the account gets its password, and the caller signs
 * them in. Refusals: `invitation_used`, `invitation_expired`, `invitation_unknown`.
 */
export async function acceptInvitation(db: Db, token: string, input: unknown, now = new Date()): Promise<{ userId: string; clinicCode: string }> {
	const data = parseInput(acceptInput, input);
	const passwordHash = await hashPassword(data.password);
	return runCommand(db, null, async (tx) => {
		const found = await findInvitation(tx, token);
		if (!found) throw new AppError('invitation_unknown', 404, 'This invitation link is not known');
		// The row is locked, so of two submissions the second sees the first's use.
		const [locked] = await tx.select().from(staffInvitation).where(eq(staffInvitation.id, found.id)).for('update');
		const state = stateOf({ ...found, usedAt: locked.usedAt, revokedAt: locked.revokedAt }, now);
		if (state === 'used') throw new AppError('invitation_used', 410, 'This invitation link has already been used');
		if (state === 'expired') throw new AppError('invitation_expired', 410, 'This invitation link has expired');
		// An account that already has a password (it joined through another clinic's link) keeps it.
		if (found.passwordHash !== '') throw new AppError('already_joined', 409, 'This account already has a password: sign in with it');
		await tx.update(staffInvitation).set({ usedAt: now }).where(eq(staffInvitation.id, found.id));
		await tx.update(appUser).set({ passwordHash, passwordChangedAt: now, mustChangePassword: false }).where(eq(appUser.id, found.userId));
		await appendAudit(tx, {
			clinicId: found.clinicId,
			actorUserId: found.userId,
			action: 'member.join',
			entityType: 'user',
			entityId: found.userId,
			data: { invitationId: found.id }
		});
		return { userId: found.userId, clinicCode: found.clinicCode };
	});
}
