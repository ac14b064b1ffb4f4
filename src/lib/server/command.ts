import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { idempotencyKey } from './db/schema';
import type { Db, Tx } from './db';
import { AppError } from './errors';
import { publishCommitted, takeChanges } from './sync/changes';
import { openAudit, writeAudit } from './audit/audit';

/**
 * A command's idempotency: the key is claimed per scope (the command and its clinic) and per
 * person, so another person's key is a claim of their own and never answers with someone else's
 * result. `request` is the parsed command input (with the ids the path names): a key sent again
 * with a different request is refused instead of answering with the first one.
 */
export type Idempotency = { scope: string; key: string; userId: string; request: unknown };

/** How a key is written wherever a command accepts one (a body field, or the `Idempotency-Key` header). */
export const idempotencyKeyInput = z.string().trim().min(8).max(100);

/** The idempotency of a command that accepts a key but acts without one. */
export function optionalIdempotency(scope: string, userId: string, key: string | undefined, request: unknown): Idempotency | null {
	return key ? { scope, key, userId, request } : null;
}

/** The idempotency of a command a retry could double (book, cancel, check in, call, complete): no key, no command. */
export function requiredIdempotency(scope: string, userId: string, key: string | undefined, request: unknown): Idempotency {
	if (!key) throw new AppError('idempotency_key_required', 400, 'This request needs an Idempotency-Key header or an idempotencyKey field', 'idempotencyKey');
	return { scope, key, userId, request };
}

/** JSON with object keys sorted (and undefined left out), so equal inputs always hash the same. */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) => {
		if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
		return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
	});
}

/** The SHA-256 of the canonical request; the key itself is left out so only what the command does is compared. */
export function requestHash(request: unknown): string {
	const withoutKey = request !== null && typeof request === 'object' && !Array.isArray(request) ? { ...request, idempotencyKey: undefined } : request;
	return createHash('sha256')
		.update(canonicalJson(withoutKey ?? null))
		.digest('hex');
}

const keyReused = () => new AppError('idempotency_key_reused', 422, 'This idempotency key was already used for a different request', 'idempotencyKey');

class Replay {
	constructor(readonly response: unknown) {}
}

const ownKey = (idempotency: Idempotency) =>
	and(eq(idempotencyKey.scope, idempotency.scope), eq(idempotencyKey.userId, idempotency.userId), eq(idempotencyKey.key, idempotency.key));

async function storeResponse(tx: Tx, idempotency: Idempotency, result: unknown) {
	await tx
		.update(idempotencyKey)
		.set({ response: sql`${JSON.stringify(result ?? null)}::jsonb` })
		.where(ownKey(idempotency));
}

/**
 * The stored answer to this person's key, read outside a command (a check that must not run
 * again on a retry): null when the key is unused, 422 when it was used for another request.
 */
export async function storedResponse(db: Db | Tx, idempotency: Idempotency): Promise<{ response: unknown } | null> {
	const [stored] = await db
		.select({ requestHash: idempotencyKey.requestHash, response: idempotencyKey.response })
		.from(idempotencyKey)
		.where(ownKey(idempotency));
	if (!stored) return null;
	if (stored.requestHash !== requestHash(idempotency.request)) throw keyReused();
	return { response: stored.response };
}

/**
 * Runs one command in one transaction. With an idempotency key, the key is claimed first: a
 * concurrent retry blocks on it until the first commits, then returns the first response
 * instead of acting twice; the same key with a different request is refused (422) and changes
 * nothing. The audit entries the body recorded with `appendAudit` are appended to their chains
 * last, so a chain is locked only from there to commit. The live documents the body named with
 * `documentsChanged` are published after commit.
 */
export async function runCommand<T>(db: Db, idempotency: Idempotency | null, body: (tx: Tx) => Promise<T>): Promise<T> {
	let changes: ReturnType<typeof takeChanges> = null;
	try {
		const result = await db.transaction(async (tx) => {
			if (idempotency) {
				const hash = requestHash(idempotency.request);
				const claimed = await tx
					.insert(idempotencyKey)
					.values({ scope: idempotency.scope, userId: idempotency.userId, key: idempotency.key, requestHash: hash, response: sql`'null'::jsonb` })
					.onConflictDoNothing()
					.returning({ key: idempotencyKey.key });
				if (claimed.length === 0) {
					const stored = await storedResponse(tx, idempotency);
					throw new Replay(stored?.response);
				}
			}
			openAudit(tx);
			const result = await body(tx);
			// Sent together: the response is stored while the audit chain's head is being locked.
			await Promise.all([idempotency ? storeResponse(tx, idempotency, result) : null, writeAudit(tx)]);
			changes = takeChanges(tx);
			return result;
		});
		// The live documents the command named (sync/changes.ts), once it has committed.
		if (changes) await publishCommitted(db, changes);
		return result;
	} catch (e) {
		// Stored responses are plain JSON; callers that replay get what the first call returned.
		if (e instanceof Replay) return e.response as T;
		throw e;
	}
}
