import type { SQL } from 'drizzle-orm';
import type { Db, Tx } from './index';

/** Runs raw SQL through drizzle and returns its rows, whichever driver is underneath. */
export async function executeRows<T extends Record<string, unknown>>(db: Db | Tx, query: SQL): Promise<T[]> {
	const result: unknown = await db.execute(query);
	if (Array.isArray(result)) return result;
	if (result && typeof result === 'object' && 'rows' in result && Array.isArray(result.rows)) return result.rows;
	return [];
}
