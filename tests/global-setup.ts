import { openDatabase } from '../src/lib/server/db';

/** On PostgreSQL, migrate once before the files run in parallel; PGlite files each migrate their own. */
export default async function setup() {
	process.env.NODE_ENV = 'test';
	const url = process.env.DATABASE_URL;
	if (!url) return;
	const database = await openDatabase({ url });
	await database.close();
}
