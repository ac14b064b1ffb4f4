import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { tooManyRequests } from './errors';
import { env } from './env';
import { services } from './services';

/** How long a starting process waits for Redis before it counts in memory (and says so). */
const READY_TIMEOUT_MS = 3000;

type Store = import('ioredis').Redis | null;

/**
 * The one Redis connection every rate limiter of this process counts on, or null without
 * REDIS_URL (a part of the process's services, closed with them). It is ready before the first
 * count: a limiter built on a connection still opening would count its first attempts in the
 * in-memory insurance limiter and the rest in Redis, and neither would ever see the whole total.
 */
function store(): Promise<Store> {
	return services().part('rate-limit-store', openStore);
}

async function openStore(): Promise<Store> {
	const { config, logger } = services();
	const url = config.REDIS_URL;
	if (!url) return null;
	const client = services().redis({ enableOfflineQueue: false, lazyConnect: false });
	client.on('error', () => undefined); // ioredis reconnects by itself; a refused count falls back to memory
	const ready = await new Promise<boolean>((resolve) => {
		if (client.status === 'ready') return resolve(true);
		const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
		client.once('ready', () => {
			clearTimeout(timer);
			resolve(true);
		});
	});
	if (!ready) logger.warn({ url: new URL(url).host }, 'Redis not ready for rate limits: counting in this process until it is');
	return client;
}

export type LimiterOptions = { name: string; points: number; duration: number; blockDuration?: number };

/**
 * A limiter shared by every instance through Redis when REDIS_URL is set (with an in-memory
 * insurance limiter while Redis cannot be reached), else kept in this process.
 */
export async function rateLimiter({ name, ...options }: LimiterOptions): Promise<RateLimiterAbstract> {
	const config = { keyPrefix: `${env().REDIS_PREFIX}:${name}`, ...options };
	const storeClient = await store();
	if (!storeClient) return new RateLimiterMemory(config);
	return new RateLimiterRedis({ ...config, storeClient, insuranceLimiter: new RateLimiterMemory(config) });
}

/** One allowance: a limiter and the key it counts (an account, an address, a pair). */
export type Allowance = [RateLimiterAbstract, string];

/**
 * Takes one point from each allowance in order, before anything is verified: all or none. The
 * first one used up refuses with 429 and the seconds to wait, and what was taken is given back.
 */
export async function takeAllowances(allowances: readonly Allowance[]): Promise<Allowance[]> {
	const taken: Allowance[] = [];
	try {
		for (const [limiter, key] of allowances) {
			await limiter.consume(key);
			taken.push([limiter, key]);
		}
	} catch (e) {
		await giveBackAllowances(taken);
		if (e instanceof RateLimiterRes) throw tooManyRequests(Math.max(1, Math.ceil(e.msBeforeNext / 1000)));
		throw e;
	}
	return taken;
}

/** Returns the points taken (the attempt was not a guess); a store that cannot be reached is ignored. */
export async function giveBackAllowances(taken: readonly Allowance[]): Promise<void> {
	await Promise.all(taken.map(([limiter, key]) => limiter.reward(key).catch(() => undefined)));
}
