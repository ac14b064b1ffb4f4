import type { Session } from '../db/schema';
import type { SessionUser } from './session';

/** Paths a signed-in person may reach before finishing the second factor. */
const secondFactorPaths = ['/login/two-factor', '/logout', '/locale', '/healthz'];

/** Paths a person whose password an admin reset may reach before choosing a new one. */
const mustChangePasswordPaths = ['/account/password', '/logout', '/locale', '/healthz'];

const allowed = (paths: string[], path: string) => paths.some((p) => path === p || path.startsWith(`${p}/`));

/**
 * Where a signed-in person must go before the page they asked for, or null to let them
 * through: first the second factor, then (after an admin reset) a password of their own.
 * Pages only; the JSON API decides for itself.
 */
export function accountGate(session: Pick<Session, 'twoFactorVerified'>, user: Pick<SessionUser, 'mustChangePassword'>, path: string): string | null {
	if (!session.twoFactorVerified && !allowed(secondFactorPaths, path)) return '/login/two-factor';
	if (session.twoFactorVerified && user.mustChangePassword && !allowed(mustChangePasswordPaths, path)) return '/account/password';
	return null;
}
