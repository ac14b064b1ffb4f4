import { Redis as RedisExtension } from '@hocuspocus/extension-redis';
import { changeHub, changeMessage, PROJECTION_CHANNEL } from '../../src/lib/server/sync/publish';
import * as decoding from 'lib0/decoding';
import { logger } from '../../src/lib/server/logger';
import { services } from '../../src/lib/server/services';
import { documentKindOf, parseDocumentName } from '../../src/lib/sync/protocol';
import type { Projections } from './projections';

export type RedisOptions = { url: string; prefix: string };

/**
 * Scale-out: Hocuspocus's Redis extension shares collaborative documents' updates and every
 * document's awareness (who has it open) between instances, and one pub/sub channel carries
 * "these projections changed" to every instance, each of which rebuilds the ones it holds.
 *
 * Projections' content never travels through Redis: each instance builds its own copy from
 * Postgres, and merging two instances' independently written copies would repeat list entries
 * (both insert the same new token at the same place, and a CRDT keeps both).
 */
export function redisScaleOut(options: RedisOptions, projections: Projections, onReconnect?: () => Promise<unknown>) {
	// Every connection comes from the process's services, which close whatever is still open.
	const connect = () => services().redis({ url: options.url });
	const extension = new RedisExtension({ createClient: connect, prefix: options.prefix });
	keepProjectionContentLocal(extension);
	const channel = `${options.prefix}:${PROJECTION_CHANNEL}`;
	const publisher = connect();
	const subscriber = connect();
	let connectedBefore = false;
	// Back from a lost connection: changes committed meanwhile may not have reached the other instances.
	subscriber.on('ready', () => {
		if (connectedBefore) void onReconnect?.().catch((err: unknown) => logger().warn({ err }, 'could not publish pending projection changes'));
		connectedBefore = true;
	});
	subscriber.on('message', (received: string, message: string) => {
		if (received !== channel) return;
		try {
			const parsed = changeMessage.safeParse(JSON.parse(message));
			if (parsed.success) void projections.rebuild(parsed.data.names);
		} catch (err) {
			logger().warn({ err }, 'ignoring a malformed projection change message');
		}
	});
	const transport = async (names: string[]) => {
		await publisher.publish(channel, JSON.stringify({ names }));
	};
	return {
		extension,
		async start() {
			await subscriber.subscribe(channel);
			changeHub().transports.add(transport);
		},
		async stop() {
			changeHub().transports.delete(transport);
			await Promise.allSettled([subscriber.quit(), publisher.quit()]);
		}
	};
}

const SYNC_MESSAGES = new Set([0, 4]); // Hocuspocus's Sync and SyncReply message types

/**
 * Whether a message the Redis extension relays (its sender's id, then a Hocuspocus message) is a
 * document sync message for a projection. Awareness and everything else pass.
 */
export function isProjectionSync(relayed: Uint8Array): boolean {
	try {
		const decoder = decoding.createDecoder(relayed.subarray(1 + relayed[0]));
		return isProjection(decoding.readVarString(decoder)) && SYNC_MESSAGES.has(decoding.readVarUint(decoder));
	} catch {
		return false;
	}
}

/**
 * Drops projection sync messages arriving from other instances before the extension applies
 * them; the extension's own (private) handler is kept for everything else. Outgoing ones are
 * dropped too, as nobody would apply them.
 */
function keepProjectionContentLocal(extension: RedisExtension) {
	const handlers = extension.sub.listeners('messageBuffer');
	extension.sub.removeAllListeners('messageBuffer');
	extension.sub.on('messageBuffer', (channel: Buffer, data: Buffer) => {
		if (isProjectionSync(data)) return;
		for (const handler of handlers) handler(channel, data);
	});
	// Nor do they take the extension's store lock: nothing of theirs is stored, and two instances
	// rebuilding at once would only fight over it.
	const onChange = extension.onChange.bind(extension);
	const onStoreDocument = extension.onStoreDocument.bind(extension);
	const afterStoreDocument = extension.afterStoreDocument.bind(extension);
	extension.onChange = async (data) => (isProjection(data.documentName) ? undefined : onChange(data));
	extension.onStoreDocument = async (data) => (isProjection(data.documentName) ? undefined : onStoreDocument(data));
	extension.afterStoreDocument = async (data) => (isProjection(data.documentName) ? undefined : afterStoreDocument(data));
}

function isProjection(name: string): boolean {
	const ref = parseDocumentName(name);
	return ref !== null && documentKindOf(ref) === 'projection';
}
