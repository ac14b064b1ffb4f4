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
		return database;
	})();
	return shared;
}
