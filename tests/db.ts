import { afterAll } from 'vitest';
import { openDatabase, setDatabase, type Database } from '../src/lib/server/db';

let shared: Promise<Database> | undefined;

/**
 * The database for this test file: the PostgreSQL named by DATABASE_URL when set, else a fresh
 * in-memory PGlite. It is also installed as the process database, so code that calls
 * getDatabase() (routes, the sync server) uses the same one.
 */
export function testDatabase(): Promise<Database> {
	shared ??= (async () => {
		const url = process.env.DATABASE_URL;
		const database = url ? await openDatabase({ url, migrate: false }) : await openDatabase({ dataDir: null });
		setDatabase(database);
		afterAll(() => database.close());
		return database;
	})();
	return shared;
}

/**
 * A database of its own for tests that need an empty installation (setup runs once per
 * database). On PostgreSQL a new database is created and migrated (`url` names it, for a second
 * connection); call `drop()` afterwards.
 */
export async function freshDatabase(): Promise<Database & { drop(): Promise<void>; url?: string }> {
	const url = process.env.DATABASE_URL;
	if (!url) {
		const database = await openDatabase({ dataDir: null });
		return { ...database, drop: () => database.close() };
	}
	const { default: postgres } = await import('postgres');
	const admin = postgres(url, { max: 1, onnotice: () => {} });
	const name = `tabeeb_fresh_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
	await admin.unsafe(`CREATE DATABASE ${name}`);
	const target = new URL(url);
	target.pathname = `/${name}`;
	const database = await openDatabase({ url: target.toString() });
	return {
		...database,
		url: target.toString(),
		drop: async () => {
			await database.close();
			await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await admin.end();
		}
	};
}
