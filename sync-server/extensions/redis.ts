import { Redis as RedisExtension } from '@hocuspocus/extension-redis';
import { Redis as RedisClient } from 'ioredis';
import { changeHub, changeMessage, PROJECTION_CHANNEL } from '../../src/lib/server/sync/publish';
import { logger } from '../../src/lib/server/logger';
import type { Projections } from './projections';

export type RedisOptions = { url: string; prefix: string };

/**
 * Scale-out: Hocuspocus's Redis extension shares document updates and awareness between
 * instances, and one pub/sub channel carries "these projections changed" to every instance,
 * each of which rebuilds the ones it holds.
 */
export function redisScaleOut(options: RedisOptions, projections: Projections) {
	const extension = new RedisExtension({ createClient: () => new RedisClient(options.url), prefix: options.prefix });
	const channel = `${options.prefix}:${PROJECTION_CHANNEL}`;
	const publisher = new RedisClient(options.url);
	const subscriber = new RedisClient(options.url);
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
