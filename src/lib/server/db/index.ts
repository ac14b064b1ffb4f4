import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import * as schema from './schema';
import { services } from '../services';
import { keepDataDirPrivate } from './dataDir';
import { preparingStatements } from './prepared';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type Database = {
	db: Db;
	driver: 'postgres' | 'pglite';
	/** Runs raw SQL and returns its rows, whichever driver is underneath. */
	query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
	close(): Promise<void>;
};

export type DatabaseOptions = { url?: string; dataDir?: string | null; migrate?: boolean };

const migrationsFolder = () => resolve(process.env.TABEEB_MIGRATIONS_DIR ?? 'drizzle');

/**
 * Opens a database: postgres.js when a URL is given, else embedded PGlite in `dataDir`
 * (`null` for an in-memory one, used by tests). Migrations are applied unless told not to.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
	const database = options.url ? await openPostgres(options.url) : await openPglite(options.dataDir ?? null);
	if (options.migrate !== false) await migrateDatabase(database);
	if (database.driver === 'pglite') await avoidPgliteTrigramIndexes(database);
	return database;
}

async function openPostgres(url: string): Promise<Database> {
	const { default: postgres } = await import('postgres');
	const { drizzle } = await import('drizzle-orm/postgres-js');
	const client = postgres(url, { max: 10, onnotice: () => {}, connection: { application_name: 'tabeeb' } });
	const db = drizzle(preparingStatements(client), { schema, casing: 'snake_case' });
	return {
		db,
		driver: 'postgres',
		query: async <T>(text: string, params: unknown[] = []) => [...(await client.unsafe(text, params as never[]))] as T[],
		close: () => client.end({ timeout: 5 })
	};
}

async function openPglite(dataDir: string | null): Promise<Database> {
	const { PGlite } = await import('@electric-sql/pglite');
	const { btree_gist } = await import('@electric-sql/pglite/contrib/btree_gist');
	const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
	const { pgcrypto } = await import('@electric-sql/pglite/contrib/pgcrypto');
	const { drizzle } = await import('drizzle-orm/pglite');
	const release = dataDir ? lockDataDir(dataDir) : () => {};
	// Checked before PGlite opens what is there, and again after it has made a new database's files.
	if (dataDir) keepDataDirPrivate(dataDir);
	const client = await PGlite.create({
		dataDir: dataDir ?? undefined,
		extensions: { btree_gist, pg_trgm, pgcrypto }
	});
	if (dataDir) keepDataDirPrivate(dataDir);
	const db = drizzle(client, { schema, casing: 'snake_case' });
	return {
		db,
		driver: 'pglite',
		query: async <T>(text: string, params: unknown[] = []) => (await client.query<T>(text, params)).rows,
		close: async () => {
			await client.close();
			release();
		}
	};
}

/**
 * PGlite's pg_trgm is not reliable (trigram GIN scans intermittently match nothing, and an
 * insert can then spin). Nothing calls pg_trgm's functions (search ranks in patients/trigram.ts),
 * and on PGlite — one clinic on one computer — the trigram indexes are dropped so no insert
 * touches them; PostgreSQL keeps them to serve the search's LIKE prefilter.
 */
async function avoidPgliteTrigramIndexes(database: Database) {
	await database.query(`DROP INDEX IF EXISTS patient_name_trgm_idx, patient_phone_trgm_idx`);
}

async function migrateDatabase(database: Database) {
	if (database.driver === 'postgres') {
		const { migrate } = await import('drizzle-orm/postgres-js/migrator');
		// Several processes may start together against one database: serialize their migrations.
		await database.query('SELECT pg_advisory_lock(727001)');
		try {
			await migrate(database.db as never, { migrationsFolder: migrationsFolder() });
		} finally {
			await database.query('SELECT pg_advisory_unlock(727001)');
		}
		return;
	}
	const { migrate } = await import('drizzle-orm/pglite/migrator');
	await migrate(database.db as never, { migrationsFolder: migrationsFolder() });
}

/**
 * PGlite allows one open instance per data directory; a second process must refuse to start
 * rather than corrupt it. The lock file holds the owner's pid; a stale lock (dead pid) is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
	mkdirSync(dataDir, { recursive: true });
	const lockPath = join(dataDir, 'tabeeb.lock');
	const owner = readLockOwner(lockPath);
	if (owner && owner !== process.pid && isAlive(owner)) {
		throw new Error(
			`Tabeeb cannot start: the data directory ${dataDir} is in use by another Tabeeb process (pid ${owner}). ` +
				'Stop that process first, or set DATA_DIR to another directory.'
		);
	}
	writeFileSync(lockPath, String(process.pid));
	const release = () => {
		if (readLockOwner(lockPath) === process.pid) rmSync(lockPath, { force: true });
	};
	process.once('exit', release);
	return release;
}

function readLockOwner(lockPath: string): number | null {
	try {
		const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
		return Number.isFinite(pid) ? pid : null;
	} catch {
		return null;
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * The process-wide database, one instance shared by the app, the sync server and workers: the
 * process's services hold it (services.ts).
 */
export function getDatabase(): Promise<Database> {
	return services().database();
}

/** Lets tests and scripts install a database they opened themselves. */
export function setDatabase(database: Database) {
	services().useDatabase(database);
}

export { schema };
