import type { Sql } from 'postgres';

/**
 * drizzle sends every query to postgres.js with `prepare: false` (only queries built with
 * `.prepare(name)` are prepared). postgres.js then needs two round trips for each query with
 * parameters (describe it, then run it) and PostgreSQL parses and plans it every time: about
 * half of a booking's database time and a good part of the app's CPU. This client prepares them:
 * each connection keeps its statements, so a query it has seen runs in one round trip with a
 * cached plan. Connections are replaced every 30 to 60 minutes (postgres.js's `max_lifetime`),
 * which bounds what they keep. Transactions and savepoints hand drizzle the same kind of client.
 */
export function preparingStatements<T extends Pick<Sql, 'unsafe'>>(sql: T): T {
	return new Proxy(sql, {
		get(target, key, receiver) {
			if (key === 'unsafe') {
				return (query: string, parameters?: Parameters<Sql['unsafe']>[1], options?: Parameters<Sql['unsafe']>[2]) =>
					target.unsafe(query, parameters, { ...options, prepare: true });
			}
			if (key === 'begin' || key === 'savepoint') {
				const open: unknown = Reflect.get(target, key, receiver);
				if (typeof open !== 'function') return open;
				return (...args: unknown[]) =>
					open.apply(
						target,
						args.map((arg) => (typeof arg === 'function' ? (inner: T) => arg(preparingStatements(inner)) : arg))
					);
			}
			return Reflect.get(target, key, receiver);
		}
	});
}
