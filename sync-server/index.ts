import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Hocuspocus, type Extension } from '@hocuspocus/server';
import { WebSocketServer } from 'ws';
import { SyncClose } from '../src/lib/sync/protocol';
import { getDatabase, type Database } from '../src/lib/server/db';
import { env } from '../src/lib/server/env';
import { logger } from '../src/lib/server/logger';
import { defaultCatalogue, type Catalogue } from '../src/lib/server/sync/catalogue';
import { authentication } from './extensions/authentication';
import { logging } from './extensions/logging';
import { Persistence, type CompactDocument } from './extensions/persistence';
import { presence } from './extensions/presence';
import { Projections } from './extensions/projections';
import { redisScaleOut } from './extensions/redis';
import { displayKeyRevocation } from './extensions/displayKeys';
import { AccessRecheck } from './extensions/accessRecheck';
import { publishPendingChanges } from '../src/lib/server/sync/changes';
import { Budget } from './extensions/budget';
import { displayKeyResolver } from '../src/lib/server/queue/displayKeys';
import { defaultLimits, GatedSocket, SocketState, type SyncLimits } from './gate';
import type { DisplayKeyResolver } from './identity';

export type { SyncLimits } from './gate';
export type { DisplayKeyResolver } from './identity';

export type SyncDeps = {
	/** Defaults to the process database. */
	database?: Database;
	/** Shares documents with other instances; defaults to REDIS_URL and REDIS_PREFIX. `null` turns it off. */
	redis?: { url: string; prefix?: string } | null;
	/** Kiosk display keys; defaults to the display_key table. `null` refuses every kiosk. */
	resolveDisplayKey?: DisplayKeyResolver | null;
	/** How often open kiosk connections are checked against revocations (ms). */
	displayKeyRecheckMs?: number;
	/** The app's public origin, for the session-cookie origin check; defaults to ORIGIN. */
	origin?: string | null;
	catalogue?: Catalogue;
	/** Defaults to `defaultLimits` (gate.ts); the document cap also to SYNC_MAX_DOCUMENT_BYTES. */
	limits?: Partial<SyncLimits>;
	/** The current time, for the days around "today" that per-day documents may be created for. */
	now?: () => Date;
	/** How long after the last change a collaborative document is compacted (and the cap). */
	compaction?: { debounceMs?: number; maxDebounceMs?: number; compact?: CompactDocument };
	name?: string;
};

export type SyncServer = {
	handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
	/** Rebuilds projections this instance holds (what a published change does). */
	rebuildProjections(names: string[]): Promise<void>;
	/** Rebuilds the open projections that show "today" without a day in their name (runs by itself after every quarter hour). */
	rollOverDay(): Promise<void>;
	hocuspocus: Hocuspocus;
	/** WebSocket connections open now. */
	openConnections(): number;
	/** The per-person and per-document limits, for tests that inspect them. */
	budget: Budget;
	/** Waits until every accepted update is in the log. */
	flush(): Promise<void>;
	destroy(): Promise<void>;
};

/**
 * The sync server: Hocuspocus behind a gate (limits and frame checks), then, in this order,
 * the budget (documents per person, the day window, document size), authentication and
 * authorization, projections, collaborative persistence, presence, logging, and Redis when
 * configured. Mount `handleUpgrade` on any HTTP server's upgrade event at /sync.
 */
export async function createSyncServer(deps: SyncDeps = {}): Promise<SyncServer> {
	const database = deps.database ?? (await getDatabase());
	const db = database.db;
	const limits: SyncLimits = { ...defaultLimits, maxDocumentBytes: env().SYNC_MAX_DOCUMENT_BYTES ?? defaultLimits.maxDocumentBytes, ...deps.limits };
	const catalogue = deps.catalogue ?? defaultCatalogue();
	const redisUrl = deps.redis === undefined ? env().REDIS_URL : deps.redis?.url;
	// A chart's access ends or narrows when its visit completes (the command publishes the chart's name).
	const accessRecheck = new AccessRecheck({ db, catalogue, types: ['patientLive', 'patientAppointments', 'chart'] });
	const persistence = new Persistence(db, deps.compaction?.compact);
	const projections = new Projections({
		db,
		projections: catalogue.projections,
		// A collaborative document a command wrote into takes the logged update before access is checked again.
		afterRebuild: async (names, clinicsChanged) => {
			await persistence.refresh(names);
			await accessRecheck.recheck(names, clinicsChanged);
		}
	});
	const budget = new Budget({ db, limits, now: deps.now });
	const scaleOut = redisUrl
		? redisScaleOut({ url: redisUrl, prefix: deps.redis?.prefix ?? env().REDIS_PREFIX }, projections, () => publishPendingChanges(db))
		: null;

	const extensions: Extension[] = [
		budget,
		authentication({
			db,
			catalogue,
			resolveDisplayKey: deps.resolveDisplayKey === undefined ? displayKeyResolver(db) : deps.resolveDisplayKey,
			allowedOrigin: deps.origin === undefined ? (env().ORIGIN ?? null) : deps.origin
		}),
		projections,
		persistence,
		presence(),
		displayKeyRevocation({ db, intervalMs: deps.displayKeyRecheckMs }),
		accessRecheck,
		logging(),
		...(scaleOut ? [scaleOut.extension] : [])
	];
	const hocuspocus = new Hocuspocus({
		name: deps.name ?? null,
		quiet: true,
		debounce: deps.compaction?.debounceMs ?? 5_000,
		maxDebounce: deps.compaction?.maxDebounceMs ?? 30_000,
		extensions
	});
	await scaleOut?.start();
	// Whatever a process committed but could not publish before it stopped (sync/changes.ts).
	await publishPendingChanges(db).catch((err: unknown) => logger().warn({ err }, 'could not publish pending projection changes'));

	const sockets = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, WebSocket: GatedSocket, perMessageDeflate: false });
	const open = new Set<SocketState>();

	return {
		hocuspocus,
		budget,
		openConnections: () => open.size,
		handleUpgrade(request, socket, head) {
			sockets.handleUpgrade(request, socket, head, (ws) => {
				const state = new SocketState(ws, limits, budget);
				ws.gate = state.admit;
				ws.outbox = state.mayQueue;
				open.add(state);
				ws.once('close', () => open.delete(state));
				// Without a listener, a socket error (a peer's bad frame) would crash the process.
				ws.on('error', (err) => logger().debug({ err }, 'sync socket error'));
				hocuspocus.handleConnection(ws, request, { socket: state });
			});
		},
		rebuildProjections: (names) => projections.rebuild(names),
		rollOverDay: () => projections.rollOver(),
		flush: () => persistence.log.drain(),
		async destroy() {
			await scaleOut?.stop();
			for (const state of open) state.close(SyncClose.serverError);
			hocuspocus.closeConnections();
			await waitFor(() => hocuspocus.getDocumentsCount() === 0, 10_000);
			await hocuspocus.hooks('onDestroy', { instance: hocuspocus });
			sockets.close();
		}
	};
}

async function waitFor(done: () => boolean, timeoutMs: number) {
	const until = Date.now() + timeoutMs;
	while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
}
