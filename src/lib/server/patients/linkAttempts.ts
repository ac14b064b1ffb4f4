import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { services } from '../services';
import { giveBackAllowances, rateLimiter, takeAllowances } from '../rateLimiters';

/** Wrong, expired or spent codes an account may try before it waits an hour. */
export const LINK_ATTEMPTS = 5;
/**
 * Wrong codes one client address may try an hour, whatever the accounts: one person making many
 * accounts gets no more guesses. Higher than one account's, as a family or a clinic's wifi shares an address.
 */
export const LINK_ADDRESS_ATTEMPTS = 20;
const WINDOW_SECONDS = 60 * 60;

type Limiters = { account: RateLimiterAbstract; address: RateLimiterAbstract };

/**
 * Link-code attempts counted per account and per address (the same pattern as sign-in,
 * auth/rateLimit.ts): shared by every instance through Redis when REDIS_URL is set, else kept in
 * this process.
 */
function limiters(): Promise<Limiters> {
	return services().part('link-code-limiters', buildLimiters);
}

async function buildLimiters(): Promise<Limiters> {
	const window = WINDOW_SECONDS;
	const [account, address] = await Promise.all([
		rateLimiter({ name: 'link_code_account', points: LINK_ATTEMPTS, duration: window, blockDuration: window }),
		rateLimiter({ name: 'link_code_address', points: LINK_ADDRESS_ATTEMPTS, duration: window, blockDuration: window })
	]);
	return { account, address };
}

/** Gives back an attempt that turned out not to be a guess (the right code, or a refusal that tells a guesser nothing). */
export type LinkAttempt = { giveBack(): Promise<void> };

/**
 * Takes one attempt from the account's and the address's allowance before the code is looked at,
 * so a burst of simultaneous requests cannot all pass a check made before any failure is counted.
 * Refuses with 429 (and the seconds to wait) once either allowance is used up; an account that is
 * already refused takes nothing from its address.
 */
export async function takeLinkAttempt(userId: string, address: string): Promise<LinkAttempt> {
	const { account, address: byAddress } = await limiters();
	const taken = await takeAllowances([
		[account, userId],
		[byAddress, address]
	]);
	return { giveBack: () => giveBackAllowances(taken) };
}
