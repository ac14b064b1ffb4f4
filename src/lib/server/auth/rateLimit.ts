import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { tooManyRequests } from '../errors';
import { env } from '../env';
import { rateLimiter } from '../rateLimiters';

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
	const window = 15 * 60;
	const [account, address] = await Promise.all([
		rateLimiter({ name: 'login_account', points, duration: window, blockDuration: window }),
		rateLimiter({ name: 'login_address', points: points * 4, duration: window, blockDuration: window })
	]);
	return { account, address };
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
