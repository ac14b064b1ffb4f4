import { sql } from 'drizzle-orm';
import type { Tx } from '../db';
import { executeRows } from '../db/rows';

/** The next number of a clinic's sequence (`P` patients, `A` appointments…), inside the caller's transaction. */
export async function nextNumber(tx: Tx, clinicId: string, kind: string, start = 1000): Promise<number> {
	const rows = await executeRows<{ last_value: number }>(
		tx,
		sql`
		INSERT INTO clinic_counter (clinic_id, kind, last_value) VALUES (${clinicId}, ${kind}, ${start})
		ON CONFLICT (clinic_id, kind) DO UPDATE SET last_value = clinic_counter.last_value + 1
		RETURNING last_value`
	);
	return Number(rows[0].last_value);
}

/**
 * The same next number, taken inside the insert that uses it: `tx.with(n.taken).insert(…)
 * .values({ refNo: n.value })`. The counter row stays locked until commit and every numbering
 * command of the clinic queues for it, so taking it in the insert itself, rather than a round
 * trip before, shortens that queue's turn.
 */
export function nextNumberInInsert(tx: Tx, clinicId: string, kind: string, start = 1000) {
	const taken = tx.$with('taken_number', { value: sql<number>`last_value` }).as(sql`
		INSERT INTO clinic_counter (clinic_id, kind, last_value) VALUES (${clinicId}, ${kind}, ${start})
		ON CONFLICT (clinic_id, kind) DO UPDATE SET last_value = clinic_counter.last_value + 1
		RETURNING last_value`);
	return { taken, value: sql<number>`(SELECT last_value FROM taken_number)` };
}

export const formatRef = (clinicCode: string, letter: string, n: number) => `${clinicCode}-${letter}${n}`;
