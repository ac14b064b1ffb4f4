import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, startApp, type App } from './http';

/**
 * /healthz is what a load balancer polls. It must say ok while the database answers, and 503
 * (quickly) when it does not: when connections are refused, and when the database hangs.
 */
const apps: App[] = [];
afterAll(async () => {
	await Promise.all(apps.map((a) => a.stop()));
});

describe('GET /healthz', () => {
	let app: App;
	beforeAll(async () => {
		app = await startApp();
		apps.push(app);
	});

	it('answers 200 {"status":"ok"} on a working database', async () => {
		const res = await app.client().get('/healthz');
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ status: 'ok' });
		expect(res.headers.get('cache-control')).toBe('no-store');
	});
});

// The outage is staged between the app and PostgreSQL, so this needs a PostgreSQL server even on a PGlite run.
// On the PostgreSQL run (DATABASE_URL set) it always runs, and fails if the server cannot be reached;
// on a PGlite run it uses a local server when one answers and is reported as skipped otherwise.
const postgres = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const postgresUp =
	Boolean(process.env.DATABASE_URL) ||
	(await adminQuery(postgres, 'SELECT 1').then(
		() => true,
		() => false
	));

describe.skipIf(!postgresUp)('GET /healthz when the database does not answer (needs a PostgreSQL server)', () => {
	it('answers 503 while connections are cut or hang, and ok again once the database is back', async () => {
		const target = new URL(postgres);
		const proxy = await DatabaseProxy.start(target.hostname, Number(target.port || 5432));
		const app = await startApp({
			postgres,
			databaseUrl: async (fresh) => {
				const url = new URL(fresh);
				url.hostname = '127.0.0.1';
				url.port = String(proxy.port);
				return url.toString();
			}
		});
		apps.push(app);
		const health = () => app.client().get('/healthz');
		try {
			expect((await health()).status).toBe(200);

			proxy.mode = 'refuse';
			const refused = await health();
			expect(refused.status).toBe(503);
			expect(refused.body).toEqual({ status: 'unavailable' });

			proxy.mode = 'hang';
			const started = Date.now();
			expect((await health()).status).toBe(503);
			expect(Date.now() - started).toBeLessThan(10_000);

			proxy.mode = 'pass';
			await expect.poll(async () => (await health()).status, { timeout: 20_000, interval: 250 }).toBe(200);
		} finally {
			proxy.mode = 'pass';
			await proxy.close();
		}
	}, 120_000);
});

/** A TCP proxy in front of PostgreSQL that can pass traffic, cut every connection, or swallow it. */
class DatabaseProxy {
	private sockets = new Set<Socket>();
	private current: 'pass' | 'refuse' | 'hang' = 'pass';

	private constructor(
		private server: Server,
		readonly port: number
	) {}

	static start(host: string, port: number): Promise<DatabaseProxy> {
		return new Promise((done, fail) => {
			const proxy: { value?: DatabaseProxy } = {};
			const server = createServer((client) => proxy.value?.accept(client, host, port));
			server.once('error', fail);
			server.listen(0, '127.0.0.1', () => {
				const address = server.address();
				proxy.value = new DatabaseProxy(server, typeof address === 'object' && address ? address.port : 0);
				done(proxy.value);
			});
		});
	}

	set mode(mode: 'pass' | 'refuse' | 'hang') {
		this.current = mode;
		// Open connections die with any change, as they would when the database goes away or restarts.
		for (const socket of this.sockets) socket.destroy();
	}

	private accept(client: Socket, host: string, port: number) {
		this.track(client);
		if (this.current === 'refuse') return client.destroy();
		if (this.current === 'hang') return; // Accepted, never answered.
		const upstream = this.track(connect(port, host));
		client.pipe(upstream).pipe(client);
		const close = () => {
			client.destroy();
			upstream.destroy();
		};
		client.on('error', close).on('close', close);
		upstream.on('error', close).on('close', close);
	}

	private track(socket: Socket): Socket {
		this.sockets.add(socket);
		socket.on('close', () => this.sockets.delete(socket));
		return socket;
	}

	close(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		return new Promise((done) => this.server.close(() => done()));
	}
}
