import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Database } from './db';
import { parseEnv } from './env';
import { createServices } from './services';

/** Stands in for a database: only whether it is open matters here. */
function fakeDatabase() {
	const state = { open: true };
	const database = {
		close: async () => {
			state.open = false;
		}
	} as unknown as Database;
	return { database, state };
}

const quiet = pino({ level: 'silent' });

const redisUrl = process.env.REDIS_URL;

describe('the composition root', () => {
	it('builds each part once and closes what was registered in reverse order, then the database', async () => {
		const { database, state } = fakeDatabase();
		const services = createServices(parseEnv({}), { database, logger: quiet });
		let builds = 0;
		const first = services.part('counter', () => ({ n: ++builds }));
		expect(services.part('counter', () => ({ n: ++builds }))).toBe(first);
		expect(builds).toBe(1);
		const order: string[] = [];
		services.onClose(() => order.push('workers'));
		services.onClose(async () => {
			// The database is still open while what was registered closes.
			order.push(state.open ? 'sync' : 'sync after the database');
		});
		expect(await services.database()).toBe(database);
		await Promise.all([services.close(), services.close()]);
		expect(order).toEqual(['sync', 'workers']);
		expect(state.open).toBe(false);
		// A closed part is built again by whoever asks next (a new life of the services).
		expect(services.part('counter', () => ({ n: ++builds })).n).toBe(2);
	});

	it('goes on closing when one closer fails', async () => {
		const { database, state } = fakeDatabase();
		const services = createServices(parseEnv({}), { database, logger: quiet });
		services.onClose(() => {
			throw new Error('stuck worker');
		});
		await services.close();
		expect(state.open).toBe(false);
	});

	it('refuses a Redis connection without REDIS_URL', () => {
		const services = createServices(parseEnv({}), { logger: quiet });
		expect(() => services.redis()).toThrow(/REDIS_URL/);
	});

	it.skipIf(!redisUrl)('quits every Redis connection it opened (PostgreSQL and Redis run)', async () => {
		const { database } = fakeDatabase();
		const services = createServices(parseEnv({ REDIS_URL: redisUrl }), { database, logger: quiet });
		const clients = [services.redis(), services.redis({ lazyConnect: false })];
		await Promise.all(clients.map((client) => client.ping()));
		await services.close();
		expect(clients.map((client) => client.status)).toEqual(['end', 'end']);
	});
});
