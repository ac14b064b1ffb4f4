import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { env } from '../env';
import { services } from '../services';
import { giveBackAllowances, rateLimiter, takeAllowances, type Allowance } from '../rateLimiters';

/**
 * How wrong passwords and codes are slowed down, without handing a stranger a way to lock
 * somebody else out (LOGIN_RATE_LIMIT is N, 5 unless set):
 *
 * 1. One account from one address: N failures in 15 minutes and that address waits 15 minutes
 *    for that account. A stranger guessing from their own address locks only themselves out.
 * 2. One account from every address together: 4N failures in 15 minutes and the account waits —
 *    but only at addresses it has not signed in from (password and second factor) in the last
 *    20 days. Many addresses guessing one password are stopped; the owner at their usual
 *    address (home, the clinic) still signs in.
 * 3. One address across every account: 4N failures in 15 minutes and the address waits — but
 *    only for accounts that have not signed in from it in the last 20 days. Someone behind the
 *    clinic's proxy trying many accounts is stopped; the staff who work there are not.
 *
 * Each attempt is taken from its allowances before the password is checked (a slow hash), so
 * parallel guesses cannot all pass a check made before any failure was counted; an attempt that
 * turns out right is given back. An attempt refused by rule 1 takes nothing from rules 2 and 3.
 * The address is what adapter-node reports: behind a proxy set ADDRESS_HEADER (and XFF_DEPTH),
 * else every person shares the proxy's address (README).
 */
const WINDOW_SECONDS = 15 * 60;
// Under the 24.8 days a Node timer can hold: the in-memory store expires keys with setTimeout.
const KNOWN_SECONDS = 20 * 24 * 60 * 60;
/** Rules 2 and 3 allow this many times the per-address allowance of rule 1. */
export const SHARED_FACTOR = 4;

type Limiters = { pair: RateLimiterAbstract; account: RateLimiterAbstract; address: RateLimiterAbstract; known: RateLimiterAbstract };

/** Shared by every instance through Redis when REDIS_URL is set; otherwise kept in this process. */
function limiters(): Promise<Limiters> {
	return services().part('login-limiters', buildLimiters);
}

async function buildLimiters(): Promise<Limiters> {
	const points = env().LOGIN_RATE_LIMIT;
	const window = { duration: WINDOW_SECONDS, blockDuration: WINDOW_SECONDS };
	const [pair, account, address, known] = await Promise.all([
		rateLimiter({ name: 'login_account_address', points, ...window }),
		rateLimiter({ name: 'login_account', points: points * SHARED_FACTOR, ...window }),
		rateLimiter({ name: 'login_address', points: points * SHARED_FACTOR, ...window }),
		// Not a limit: remembers which addresses an account signed in from (one point each).
		rateLimiter({ name: 'login_known_address', points: 1, duration: KNOWN_SECONDS })
	]);
	return { pair, account, address, known };
}

/** What a sign-in step does once it knows whether the password or code was right. */
export type LoginAttempt = {
	/** Right, but the sign-in is not complete (a second factor is still to come): the attempt is given back. */
	giveBack(): Promise<void>;
	/** Fully signed in: the attempt is given back and this address becomes one the account is known at. */
	signedIn(): Promise<void>;
};

/**
 * Takes one attempt for `email` from `address` (rules above) before anything is verified;
 * refuses with 429 and the seconds to wait when an allowance is used up. A wrong password or
 * code simply keeps what was taken.
 */
export async function takeLoginAttempt(email: string, address: string): Promise<LoginAttempt> {
	const { pair, account, address: byAddress, known } = await limiters();
	const accountKey = email.toLowerCase();
	const pairKey = `${accountKey}|${address}`;
	const knownHere = ((await known.get(pairKey))?.consumedPoints ?? 0) > 0;
	const allowances: Allowance[] = knownHere
		? [[pair, pairKey]]
		: [
				[pair, pairKey],
				[account, accountKey],
				[byAddress, address]
			];
	const taken = await takeAllowances(allowances);
	return {
		giveBack: () => giveBackAllowances(taken),
		signedIn: async () => {
			// The owner's own typos from this address are forgiven once the whole sign-in succeeds
			// (not after the password alone, or a known password would reset the count of code guesses).
			await Promise.all([pair.delete(pairKey).catch(() => undefined), giveBackAllowances(taken.slice(1))]);
			await known.set(pairKey, 1, KNOWN_SECONDS).catch(() => undefined);
		}
	};
}
