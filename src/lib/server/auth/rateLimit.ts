import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { tooManyRequests } from '../errors';
import { env } from '../env';

type Limiters = { account: RateLimiterAbstract; address: RateLimiterAbstract };
type LimiterGlobal = typeof globalThis & { __tabeebLoginLimiters?: Promise<Limiters> };

/**
 * Failed sign-ins are counted per account and per address. With REDIS_URL the counts are shared
 * by every instance; otherwise they live in this process.
 */
function limiters(): Promise<Limiters> {
	const g: LimiterGlobal = globalThis;
	g.__tabeebLoginLimiters ??= buildLimiters();
	return g.__tabeebLoginLimiters;
}

async function buildLimiters(): Promise<Limiters> {
	const points = env().LOGIN_RATE_LIMIT;
	const prefix = env().REDIS_PREFIX;
	const account = { keyPrefix: `${prefix}:login_account`, points, duration: 15 * 60, blockDuration: 15 * 60 };
	const address = { keyPrefix: `${prefix}:login_address`, points: points * 4, duration: 15 * 60, blockDuration: 15 * 60 };
	const url = env().REDIS_URL;
	if (!url) return { account: new RateLimiterMemory(account), address: new RateLimiterMemory(address) };
	const { Redis } = await import('ioredis');
	const storeClient = new Redis(url, { enableOfflineQueue: false, lazyConnect: false });
	return {
		account: new RateLimiterRedis({ ...account, storeClient, insuranceLimiter: new RateLimiterMemory(account) }),
		address: new RateLimiterRedis({ ...address, storeClient, insuranceLimiter: new RateLimiterMemory(address) })
	};
}

/** Refuses with 429 (and the seconds to wait) while either counter is exhausted. */
export async function assertLoginAllowed(email: string, address: string): Promise<void> {
	const { account, address: byAddress } = await limiters();
	const [a, b] = await Promise.all([account.get(email.toLowerCase()), byAddress.get(address)]);
	const blocked = [a, b].filter((r): r is RateLimiterRes => r !== null && r.remainingPoints <= 0);
	if (blocked.length === 0) return;
	const wait = Math.max(...blocked.map((r) => Math.ceil(r.msBeforeNext / 1000)));
	throw tooManyRequests(wait);
}

export async function recordLoginFailure(email: string, address: string): Promise<void> {
	const { account, address: byAddress } = await limiters();
	await Promise.all([
		account.consume(email.toLowerCase()).catch(() => undefined),
		byAddress.consume(address).catch(() => undefined)
	]);
}

export async function recordLoginSuccess(email: string): Promise<void> {
	const { account } = await limiters();
	await account.delete(email.toLowerCase());
}
