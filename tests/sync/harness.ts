import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { today } from '@internationalized/date';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { destroySocket } from '../../src/lib/sync/socket';
import { createSyncServer, type SyncDeps, type SyncServer } from '../../sync-server';
import type { Database } from '../../src/lib/server/db';
import { testDatabase } from '../db';
import { eventually } from '../eventually';

export { eventually };

/** A real sync server on a real HTTP server (ephemeral port), on the test file's database. */
export type RunningSync = { url: string; sync: SyncServer; database: Database; server: Server; close(): Promise<void> };

export async function startSync(deps: SyncDeps = {}, port = 0): Promise<RunningSync> {
	const database = deps.database ?? (await testDatabase());
	const sync = await createSyncServer({ redis: null, origin: null, ...deps, database });
	const server = createServer((_req, res) => res.writeHead(404).end());
	server.on('upgrade', (request, socket, head) => sync.handleUpgrade(request, socket, head));
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	const bound = (server.address() as AddressInfo).port;
	const url = `ws://127.0.0.1:${bound}/sync`;
	return {
		url,
		sync,
		database,
		server,
		// As the app shuts down: refuse new connections first, then close the open ones.
		async close() {
			// A test's client still alive when its server goes would retry once, fail to connect and
			// reject where nobody listens; clients meant to outlive a restart keep retrying instead.
			for (const client of [...(liveClients.get(url) ?? [])]) client.destroy();
			const closed = new Promise((resolve) => server.close(resolve));
			await sync.destroy();
			server.closeAllConnections();
			await closed;
		}
	};
}

/** A ws WebSocket that sends the given cookie, as a browser would. */
export function cookieSocket(cookie: string, origin?: string) {
	return class extends WebSocket {
		constructor(url: string) {
			super(url, { headers: { cookie, ...(origin ? { origin } : {}) } });
		}
	};
}

export type Client = {
	provider: HocuspocusProvider;
	doc: Y.Doc;
	/** Resolves 'synced', or the refusal reason the server sent. */
	outcome: Promise<string>;
	closed: Promise<{ code: number; reason: string }>;
	destroy(): void;
};

/** A real Hocuspocus provider over `ws`, authenticated by token, cookie or nothing. */
export function connect(
	url: string,
	name: string,
	options: { token?: string; cookie?: string; origin?: string; doc?: Y.Doc; keepRetrying?: boolean } = {}
): Client {
	const doc = options.doc ?? new Y.Doc();
	let closed!: (e: { code: number; reason: string }) => void;
	const closedPromise = new Promise<{ code: number; reason: string }>((r) => (closed = r));
	const socket = new HocuspocusProviderWebsocket({
		url,
		WebSocketPolyfill: options.cookie ? cookieSocket(options.cookie, options.origin) : WebSocket,
		// Tests want refusals to stay refusals, not retried (a client that outlives its server retries).
		maxAttempts: options.keepRetrying ? 0 : 1,
		onClose: ({ event }) => closed({ code: event.code, reason: event.reason })
	});
	const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: doc, token: options.token ?? '' });
	provider.attach();
	const outcome = new Promise<string>((resolve) => {
		provider.on('synced', () => resolve('synced'));
		provider.on('authenticationFailed', ({ reason }: { reason: string }) => resolve(reason));
	});
	const client: Client = {
		provider,
		doc,
		outcome,
		closed: closedPromise,
		destroy: () => {
			liveClients.get(url)?.delete(client);
			provider.destroy();
			destroySocket(socket);
		}
	};
	if (!options.keepRetrying) liveClients.set(url, (liveClients.get(url) ?? new Set()).add(client));
	return client;
}

/** Clients of each server that give up after one attempt, destroyed with their server. */
const liveClients = new Map<string, Set<Client>>();

/** Anything that holds awareness states: a client's provider, or the server's copy of a document. */
type AwarenessHolder = { getStates(): Map<number, Record<string, unknown>> };

/**
 * A barrier for asserting that something `from` sent did NOT happen. `from` publishes a fresh
 * awareness marker, an allowed change that travels on the same socket after everything it sent
 * before; once `observer` shows the marker, the server has handled each earlier message of `from`
 * and broadcast whatever it was going to broadcast. (Holds where the server's checks of those
 * messages do no I/O: projections and read-only connections, not a writer's collaborative update.)
 */
export async function barrier(from: Client, observer: AwarenessHolder) {
	const awareness = from.provider.awareness;
	if (!awareness) throw new Error('the client has no awareness');
	const mark = crypto.randomUUID();
	awareness.setLocalStateField('barrier', mark);
	await eventually(
		() => observer.getStates().get(awareness.clientID)?.barrier,
		(seen) => seen === mark
	);
}

/** A sync server that can be stopped and started again on the same port, as a restarted app would be. */
export async function listenSync(database: Database, port = 0) {
	const running = await startSync({ database }, port);
	const bound = (running.server.address() as AddressInfo).port;
	return { port: bound, url: running.url, stop: () => running.close() };
}

/**
 * A day (YYYY-MM-DD) `offset` days from today in the clinic's time zone (the factories' clinics
 * are in Karachi): collaborative per-day documents open only for days near today.
 */
export function dayFromToday(offset: number, timeZone = 'Asia/Karachi'): string {
	return today(timeZone).add({ days: offset }).toString();
}
