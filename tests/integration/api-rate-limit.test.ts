import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, expectError, startApp, type App } from './http';
import { PASSWORD, makeClinic, makeMember } from '../factories';

const LIMIT = 3;
let app: App;
const people: { email: string }[] = [];

beforeAll(async () => {
	// The address comes from X-Forwarded-For (as behind a proxy), so one test process can call from many addresses.
	app = await startApp({
		env: { LOGIN_RATE_LIMIT: String(LIMIT), ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' },
		seed: async (db) => {
			const clinic = await makeClinic(db);
			for (let i = 0; i < 6; i++) people.push(await makeMember(db, clinic.id, 'doctor'));
		}
	});
});
afterAll(async () => {
	await app?.stop();
});

const from = (address: string) => app.client({ 'x-forwarded-for': address });
const login = (address: string, email: string, password: string) => from(address).post('/api/v1/auth/login', { email, password });

describe('login rate limiting', () => {
	it('stops one account being guessed from many addresses at addresses it has not signed in from, but not at its owner’s usual one', async () => {
		const { email } = people[0];
		const usual = '10.0.0.200';
		expect((await login(usual, email, PASSWORD)).status).toBe(200);
		// One wrong guess per address: no address reaches its own limit, the account's shared one (4×) does.
		for (let i = 0; i < LIMIT * 4; i++) expectError(await login(`10.0.0.${i + 1}`, email, 'wrong password'), 401, 'invalid_credentials');
		const blocked = await login('10.0.0.99', email, PASSWORD);
		expectError(blocked, 429, 'rate_limited');
		const retryAfter = Number(blocked.headers.get('retry-after'));
		expect(retryAfter).toBeGreaterThan(0);
		expect(retryAfter).toBeLessThanOrEqual(15 * 60);
		expect(errorOf(blocked).message).toContain(String(retryAfter));
		expect(blocked.headers.has('set-cookie')).toBe(false);
		// The owner at the address they signed in from before is not locked out by the strangers.
		expect((await login(usual, email, PASSWORD)).status).toBe(200);
		// Someone else is not affected by this account's lock.
		expect((await login('10.0.0.99', people[1].email, PASSWORD)).status).toBe(200);
	});

	it('stops one address guessing across many accounts, except for the people who have signed in from it', async () => {
		const clinicProxy = '192.0.2.7';
		expect((await login(clinicProxy, people[1].email, PASSWORD)).status).toBe(200);
		for (let i = 0; i < LIMIT * 4; i++) {
			// Each guessed account fails below its own limit, so only the address counter trips.
			expectError(await login(clinicProxy, `guess-${i}@example.test`, 'wrong password'), 401, 'invalid_credentials');
		}
		const blocked = await login(clinicProxy, people[2].email, PASSWORD);
		expectError(blocked, 429, 'rate_limited');
		expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
		expect((await login('198.51.100.1', people[2].email, PASSWORD)).status).toBe(200);
		// A colleague who signs in from the clinic's address every day still can.
		expect((await login(clinicProxy, people[1].email, PASSWORD)).status).toBe(200);
	});

	it('counts parallel guesses before checking them: of 40 at once from one address, at most the limit are checked', async () => {
		const { email } = people[3];
		const answers = await Promise.all(Array.from({ length: 40 }, () => login('203.0.113.50', email, 'wrong password')));
		const statuses = answers.map((r) => r.status);
		expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(LIMIT);
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(40 - LIMIT);
		// That stranger's failures do not stop the owner signing in from their own address.
		expect((await login('198.51.100.3', email, PASSWORD)).status).toBe(200);
	});

	it('counts parallel guesses from 40 addresses at once against the account’s shared allowance', async () => {
		const { email } = people[4];
		const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(`100.64.1.${i + 1}`, email, 'wrong password')));
		const statuses = answers.map((r) => r.status);
		expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(LIMIT * 4);
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(40 - LIMIT * 4);
	});

	it('gives a right password back its attempt: the owner’s own typos never add up to a lock while they keep getting in', async () => {
		const { email } = people[5];
		for (let round = 0; round < LIMIT + 1; round++) {
			for (let i = 0; i < LIMIT - 1; i++) expectError(await login('198.51.100.5', email, 'typo'), 401, 'invalid_credentials');
			expect((await login('198.51.100.5', email, PASSWORD)).status).toBe(200);
		}
	});

	it('does not count refused input (no email) as an attempt', async () => {
		for (let i = 0; i < LIMIT * 5; i++) expectError(await from('203.0.113.5').post('/api/v1/auth/login', { password: 'x' }), 400, 'field_required', 'email');
		expect((await login('203.0.113.5', people[1].email, PASSWORD)).status).toBe(200);
	});
});
