import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import type { RequestHandler } from './$types';

/** A database that hangs must fail the check too, and sooner than a load balancer's own timeout. */
const DATABASE_TIMEOUT_MS = 2_000;

export const GET: RequestHandler = async () => {
	let timer: NodeJS.Timeout | undefined;
	try {
		const database = await getDatabase();
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error('database did not answer')), DATABASE_TIMEOUT_MS);
		});
		await Promise.race([database.query('SELECT 1'), timeout]);
		return json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
	} catch {
		return json({ status: 'unavailable' }, { status: 503, headers: { 'cache-control': 'no-store' } });
	} finally {
		clearTimeout(timer);
	}
};
