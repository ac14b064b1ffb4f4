import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { SHARED_FACTOR, takeLoginAttempt } from './rateLimit';
import { env } from '../env';

const LIMIT = env().LOGIN_RATE_LIMIT;
const email = () => `person-${randomBytes(4).toString('hex')}@example.test`;
const address = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

/** One wrong guess: the attempt is taken and kept. Returns 'checked' or 'refused'. */
async function guess(account: string, from: string): Promise<'checked' | 'refused'> {
	try {
		await takeLoginAttempt(account, from);
		return 'checked';
	} catch (e) {
		expect(e).toMatchObject({ code: 'rate_limited', status: 429 });
		return 'refused';
	}
}

async function signsIn(account: string, from: string): Promise<boolean> {
	try {
		await (await takeLoginAttempt(account, from)).signedIn();
		return true;
	} catch {
		return false;
	}
}

describe('sign-in attempts', () => {
	it('lets one address try an account LOGIN_RATE_LIMIT times, then refuses that address only', async () => {
		const account = email();
		const stranger = address();
		const results = [];
		for (let i = 0; i < LIMIT + 2; i++) results.push(await guess(account, stranger));
		expect(results).toEqual([...Array(LIMIT).fill('checked'), 'refused', 'refused']);
		expect(await signsIn(account, address())).toBe(true);
	});

	it('takes parallel attempts before any is checked: at most the limit of a burst get through', async () => {
		const account = email();
		const from = address();
		const results = await Promise.all(Array.from({ length: 40 }, () => guess(account, from)));
		expect(results.filter((r) => r === 'checked')).toHaveLength(LIMIT);
	});

	it('stops many addresses guessing one account, except where the owner has signed in before', async () => {
		const account = email();
		const home = address();
		expect(await signsIn(account, home)).toBe(true);
		for (let i = 0; i < LIMIT * SHARED_FACTOR; i++) expect(await guess(account, address())).toBe('checked');
		expect(await guess(account, address())).toBe('refused');
		expect(await signsIn(account, home)).toBe(true);
	});

	it('stops one address guessing many accounts, except for accounts that have signed in from it', async () => {
		const proxy = address();
		const colleague = email();
		expect(await signsIn(colleague, proxy)).toBe(true);
		for (let i = 0; i < LIMIT * SHARED_FACTOR; i++) expect(await guess(email(), proxy)).toBe('checked');
		expect(await guess(email(), proxy)).toBe('refused');
		expect(await signsIn(colleague, proxy)).toBe(true);
		expect(await signsIn(email(), address())).toBe(true);
	});

	it('gives back an attempt that was right, without forgiving earlier wrong ones until the sign-in is complete', async () => {
		const account = email();
		const from = address();
		for (let i = 0; i < LIMIT - 1; i++) await guess(account, from);
		// The password was right but the second factor is still to come: only this attempt comes back.
		await (await takeLoginAttempt(account, from)).giveBack();
		expect(await guess(account, from)).toBe('checked');
		expect(await guess(account, from)).toBe('refused');
	});
});
