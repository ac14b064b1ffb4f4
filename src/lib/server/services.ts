import pino, { type Logger } from 'pino';
import { Redis, type RedisOptions } from 'ioredis';
import { openDatabase, type Database } from './db';
import { env, type Env } from './env';

/**
 * Everything a Tabeeb process holds for its whole life — settings, logger, database, Redis
 * connections, the change hub, what its rate limits count on, its background workers — built in
 * one place (`createServices`) and closed in one place (`close`). docs/ARCHITECTURE.md,
 * "Processes", says which entry builds them and how they reach the routes and the sync server.
 */
export type Services = {
	readonly config: Env;
	readonly logger: Logger;
	/** The process database, opened on first use (with migrations) unless one was given. */
	database(): Promise<Database>;
	/** Installs a database opened elsewhere (tests, benchmarks, scripts that open their own). */
	useDatabase(database: Database): void;
	/**
	 * A Redis connection to `REDIS_URL` (or `url`), closed with the services. Each caller that
	 * needs its own connection (a subscriber, a store that must not queue) asks for one.
	 */
	redis(options?: RedisOptions & { url?: string }): Redis;
	/** Parts built on first use and kept for the process's life (rate limiters, the change hub …), by name. */
	part<T>(name: string, build: () => T): T;
	/** Something to stop or close when the services close (workers, a sync server), in reverse order of registration. */
	onClose(close: () => Promise<unknown> | unknown): void;
	/** Stops what was registered, quits every Redis connection, closes the database. Calls while closing share one close. */
	close(): Promise<void>;
};

export function createServices(config: Env = env(), given: { database?: Database; logger?: Logger } = {}): Services {
	const logger = given.logger ?? pino({ level: config.NODE_ENV === 'test' ? 'warn' : config.LOG_LEVEL, base: { app: 'tabeeb' } });
	let database: Promise<Database> | undefined = given.database ? Promise.resolve(given.database) : undefined;
	const connections = new Set<Redis>();
	const parts = new Map<string, unknown>();
	const closers: (() => Promise<unknown> | unknown)[] = [];
	let closing: Promise<void> | undefined;

	const services: Services = {
		config,
		logger,
		database() {
			database ??= openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir }).catch((e: unknown) => {
				database = undefined;
				throw e;
			});
			return database;
		},
		useDatabase(opened) {
			database = Promise.resolve(opened);
		},
		redis({ url, ...options } = {}) {
			const target = url ?? config.REDIS_URL;
			if (!target) throw new Error('Redis was asked for without REDIS_URL');
			const client = new Redis(target, options);
			connections.add(client);
			client.once('end', () => connections.delete(client));
			return client;
		},
		part<T>(name: string, build: () => T): T {
			if (!parts.has(name)) parts.set(name, build());
			return parts.get(name) as T;
		},
		onClose(close) {
			closers.push(close);
		},
		close() {
			closing ??= (async () => {
				for (const close of [...closers].reverse()) {
					try {
						await close();
					} catch (err) {
						logger.warn({ err }, 'a service did not close cleanly');
					}
				}
				await Promise.all([...connections].map(quit));
				parts.clear();
				if (database) await (await database.catch(() => null))?.close();
				database = undefined;
				closers.length = 0;
			})().finally(() => {
				closing = undefined;
			});
			return closing;
		}
	};
	return services;
}

/** Ends a connection and waits until its socket is closed (a script's process can then exit). */
function quit(client: Redis): Promise<void> {
	return new Promise((resolve) => {
		if (client.status === 'end') return resolve();
		client.once('end', () => resolve());
		client.quit().catch(() => client.disconnect());
	});
}

/**
 * The one process-wide holder. The SvelteKit bundle and the server entry each carry a copy of
 * this module (and Vite reloads it), so the process's services are kept on `globalThis`: the
 * entry installs the ones it built (`installServices`); anything that runs without an entry
 * (vitest, `npm run dev`, scripts) gets them built from the environment on first use.
 */
type ServicesGlobal = typeof globalThis & { __tabeebServices?: Services };

export function services(): Services {
	const g: ServicesGlobal = globalThis;
	g.__tabeebServices ??= createServices();
	return g.__tabeebServices;
}

export function installServices(built: Services): Services {
	const g: ServicesGlobal = globalThis;
	g.__tabeebServices = built;
	return built;
}

/** Closes the process's services and forgets them (the next `services()` builds new ones). */
export async function closeServices(): Promise<void> {
	const g: ServicesGlobal = globalThis;
	const current = g.__tabeebServices;
	g.__tabeebServices = undefined;
	await current?.close();
}
