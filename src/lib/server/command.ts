import { and, eq, sql } from 'drizzle-orm';
import { idempotencyKey } from './db/schema';
import type { Db, Tx } from './db';

export type Idempotency = { scope: string; key: string; userId?: string | null };

class Replay {
	constructor(readonly response: unknown) {}
}

/**
 * Runs one command in one transaction. With an idempotency key, the key is claimed first: a
 * concurrent retry blocks on it until the first commits, then returns the first response
 * instead of acting twice.
 */
export async function runCommand<T>(db: Db, idempotency: Idempotency | null, body: (tx: Tx) => Promise<T>): Promise<T> {
	try {
		return await db.transaction(async (tx) => {
			if (idempotency) {
				const claimed = await tx
					.insert(idempotencyKey)
					.values({ scope: idempotency.scope, key: idempotency.key, userId: idempotency.userId ?? null, response: sql`'null'::jsonb` })
					.onConflictDoNothing()
					.returning({ key: idempotencyKey.key });
				if (claimed.length === 0) {
					const [stored] = await tx
						.select({ response: idempotencyKey.response })
						.from(idempotencyKey)
						.where(and(eq(idempotencyKey.scope, idempotency.scope), eq(idempotencyKey.key, idempotency.key)));
					throw new Replay(stored?.response);
				}
			}
			const result = await body(tx);
			if (idempotency) {
				await tx
					.update(idempotencyKey)
					.set({ response: sql`${JSON.stringify(result ?? null)}::jsonb` })
					.where(and(eq(idempotencyKey.scope, idempotency.scope), eq(idempotencyKey.key, idempotency.key)));
			}
			return result;
		});
	} catch (e) {
		// Stored responses are plain JSON; callers that replay get what the first call returned.
		if (e instanceof Replay) return e.response as T;
		throw e;
	}
}
