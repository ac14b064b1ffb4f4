import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db';
import { outboxEvent } from '../db/schema';

export type UndeliveredEvent = {
	id: number;
	type: string;
	status: 'failed' | 'pending';
	attempts: number;
	lastError: string | null;
	createdAt: Date;
	/** When a pending event is next tried (or its current attempt's lease ends). */
	nextTryAt: Date | null;
};

/** The clinic's notifications that have not gone out: given up on, or still waiting or retrying. Newest first. */
export async function undeliveredEvents(db: Db, clinicId: string, limit = 50): Promise<UndeliveredEvent[]> {
	const rows = await db
		.select()
		.from(outboxEvent)
		.where(and(eq(outboxEvent.clinicId, clinicId), isNull(outboxEvent.processedAt)))
		.orderBy(desc(outboxEvent.createdAt), desc(outboxEvent.id))
		.limit(limit);
	return rows.map((r) => ({
		id: r.id,
		type: r.type,
		status: r.failedAt ? 'failed' : 'pending',
		attempts: r.attempts,
		lastError: r.lastError,
		createdAt: r.createdAt,
		nextTryAt: r.failedAt ? null : r.availableAt
	}));
}
