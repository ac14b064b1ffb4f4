import { sql } from 'drizzle-orm';
import type { Tx } from '../db';
import { executeRows } from '../db/rows';

/** The next number of a clinic's sequence (`P` patients, `A` appointments…), inside the caller's transaction. */
export async function nextNumber(tx: Tx, clinicId: string, kind: string, start = 1000): Promise<number> {
	const rows = await executeRows<{ last_value: number }>(tx, sql`
		INSERT INTO clinic_counter (clinic_id, kind, last_value) VALUES (${clinicId}, ${kind}, ${start})
		ON CONFLICT (clinic_id, kind) DO UPDATE SET last_value = clinic_counter.last_value + 1
		RETURNING last_value`);
	return Number(rows[0].last_value);
}

export const formatRef = (clinicCode: string, letter: string, n: number) => `${clinicCode}-${letter}${n}`;
