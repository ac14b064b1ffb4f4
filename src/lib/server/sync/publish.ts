import { z } from 'zod';
import { parseDocumentName } from '../../sync/protocol';
import { env } from '../env';
import { logger } from '../logger';

/**
 * After a command commits, its caller publishes the names of the projections it affected; every
 * sync instance holding one of them rebuilds it from Postgres. In one process the hub delivers
 * directly; a sync server with Redis installs a transport that reaches every instance. The hub
 * lives on globalThis because the SvelteKit bundle and the server entry each carry a copy of
 * this module.
 */
type Listener = (names: string[]) => void;
type Transport = (names: string[]) => Promise<void>;
type ChangeHub = { listeners: Set<Listener>; transports: Set<Transport> };
type HubGlobal = typeof globalThis & { __tabeebSyncHub?: ChangeHub; __tabeebSyncRedisPublisher?: Promise<Transport> };

export const PROJECTION_CHANNEL = 'projection-changes';
export const changeMessage = z.object({ names: z.array(z.string().max(200)).max(1000) });

export function changeHub(): ChangeHub {
	const g: HubGlobal = globalThis;
	g.__tabeebSyncHub ??= { listeners: new Set(), transports: new Set() };
	return g.__tabeebSyncHub;
}

/** Tells the sync instances that these projections changed in Postgres. Never throws: the command already committed. */
export async function publishDocumentChanges(names: string[]): Promise<void> {
	const valid = names.filter((name) => parseDocumentName(name) !== null);
	if (valid.length === 0) return;
	const hub = changeHub();
	try {
		const [transport] = hub.transports;
		if (transport) return await transport(valid);
		// A sync server in this process without Redis hears it directly; only a web-only process
		// (sync instances run apart) needs Redis to reach them.
		if (hub.listeners.size > 0) {
			for (const listener of hub.listeners) listener(valid);
			return;
		}
		const redisUrl = env().REDIS_URL;
		if (redisUrl) return await (await redisPublisher(redisUrl))(valid);
	} catch (err) {
		// A lost change leaves a projection stale until its next change or reload; log it loudly.
		logger().error({ err, names: valid }, 'could not publish projection changes');
	}
}

/** A web-only process (sync instances run apart) reaches them through Redis. */
function redisPublisher(url: string): Promise<Transport> {
	const g: HubGlobal = globalThis;
	g.__tabeebSyncRedisPublisher ??= import('ioredis').then(({ Redis }) => {
		const client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
		return async (names: string[]) => {
			await client.publish(`tabeeb:${PROJECTION_CHANNEL}`, JSON.stringify({ names }));
		};
	});
	return g.__tabeebSyncRedisPublisher;
}
