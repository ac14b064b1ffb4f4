import { and, eq, ne } from 'drizzle-orm';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { appUser, session, type AppUser, type Session } from '../db/schema';
import type { Db } from '../db';

export const SESSION_COOKIE = 'session';
const DAY_MS = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY_MS;

export type SessionUser = Pick<AppUser, 'id' | 'email' | 'name' | 'kind' | 'locale' | 'mustChangePassword'> & { twoFactorEnabled: boolean };
export type SessionValidation = { session: Session; user: SessionUser } | { session: null; user: null };

export function generateSessionToken(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(20));
	return encodeBase32LowerCaseNoPadding(bytes);
}

export function sessionIdFromToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(
	db: Db,
	token: string,
	userId: string,
	flags: { twoFactorVerified: boolean; activeClinicId?: string | null }
): Promise<Session> {
	const [row] = await db
		.insert(session)
		.values({
			id: sessionIdFromToken(token),
			userId,
			expiresAt: new Date(Date.now() + SESSION_LIFETIME_MS),
			twoFactorVerified: flags.twoFactorVerified,
			activeClinicId: flags.activeClinicId ?? null
		})
		.returning();
	return row;
}

/** Looks the token up; expired sessions are deleted, and sessions renew when half their life is left. */
export async function validateSessionToken(db: Db, token: string): Promise<SessionValidation> {
	if (!/^[a-z2-7]{32}$/.test(token)) return { session: null, user: null };
	const id = sessionIdFromToken(token);
	const [row] = await db.select({ session, user: appUser }).from(session).innerJoin(appUser, eq(session.userId, appUser.id)).where(eq(session.id, id));
	if (!row) return { session: null, user: null };
	const current = row.session;
	if (Date.now() >= current.expiresAt.getTime()) {
		await db.delete(session).where(eq(session.id, id));
		return { session: null, user: null };
	}
	if (Date.now() >= current.expiresAt.getTime() - SESSION_LIFETIME_MS / 2) {
		current.expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
		await db.update(session).set({ expiresAt: current.expiresAt }).where(eq(session.id, id));
	}
	const { id: userId, email, name, kind, locale, totpKey, mustChangePassword } = row.user;
	return { session: current, user: { id: userId, email, name, kind, locale, mustChangePassword, twoFactorEnabled: totpKey !== null } };
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
	await db.delete(session).where(eq(session.id, sessionId));
}

export async function invalidateUserSessions(db: Db, userId: string): Promise<void> {
	await db.delete(session).where(eq(session.userId, userId));
}

/** Ends every other session of the person, keeping the one they are using. */
export async function invalidateOtherSessions(db: Db, userId: string, keepSessionId: string): Promise<void> {
	await db.delete(session).where(and(eq(session.userId, userId), ne(session.id, keepSessionId)));
}

export async function markSessionTwoFactorVerified(db: Db, sessionId: string): Promise<void> {
	await db.update(session).set({ twoFactorVerified: true }).where(eq(session.id, sessionId));
}

export async function setSessionClinic(db: Db, sessionId: string, clinicId: string): Promise<void> {
	await db.update(session).set({ activeClinicId: clinicId }).where(eq(session.id, sessionId));
}
