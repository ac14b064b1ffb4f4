import type { IncomingHttpHeaders } from 'node:http';
import type { Db } from '../src/lib/server/db';
import { SESSION_COOKIE, validateSessionToken } from '../src/lib/server/auth/session';
import type { SyncActor } from '../src/lib/server/sync/policy';

/** Turns a kiosk's display key into its clinic (and the key's id, so a revocation can be noticed). */
export type DisplayKeyResolver = (key: string) => Promise<{ clinicId: string; keyId?: string } | null>;

const sessionTokenShape = /^[a-z2-7]{32}$/;

/**
 * Who is connecting. A provider's `token` wins when present: a session token (Node clients,
 * apps) or, failing that, a kiosk's display key. Browsers send no token and are known by their
 * `session` cookie, which counts only from the app's own origin (no cross-site WebSocket use).
 */
export async function identifyConnection(
	db: Db,
	input: { token: string; headers: IncomingHttpHeaders; allowedOrigin: string | null },
	resolveDisplayKey: DisplayKeyResolver | null
): Promise<SyncActor | null> {
	const token = input.token.trim();
	if (token) {
		if (sessionTokenShape.test(token)) {
			const actor = await actorFromSession(db, token);
			if (actor) return actor;
		}
		const display = resolveDisplayKey && token.length <= 200 ? await resolveDisplayKey(token) : null;
		return display ? { kind: 'display', clinicId: display.clinicId, ...(display.keyId ? { keyId: display.keyId } : {}) } : null;
	}
	if (!sameOrigin(input.headers, input.allowedOrigin)) return null;
	const cookie = readCookie(input.headers.cookie, SESSION_COOKIE);
	return cookie ? actorFromSession(db, cookie) : null;
}

async function actorFromSession(db: Db, token: string): Promise<SyncActor | null> {
	const { session, user } = await validateSessionToken(db, token);
	// A session still waiting for its second factor is not signed in yet.
	if (!session || !session.twoFactorVerified) return null;
	return {
		kind: 'user',
		userId: user.id,
		name: user.name,
		userKind: user.kind,
		mustChangePassword: user.mustChangePassword,
		twoFactorEnabled: user.twoFactorEnabled
	};
}

function sameOrigin(headers: IncomingHttpHeaders, allowedOrigin: string | null): boolean {
	const origin = headers.origin;
	if (!origin) return true;
	if (allowedOrigin && origin === allowedOrigin) return true;
	try {
		return new URL(origin).host === headers.host;
	} catch {
		return false;
	}
}

export function readCookie(header: string | undefined, name: string): string | null {
	if (!header) return null;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
		try {
			return decodeURIComponent(part.slice(eq + 1).trim());
		} catch {
			return null;
		}
	}
	return null;
}
