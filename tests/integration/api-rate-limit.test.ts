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
			for (let i = 0; i < 3; i++) people.push(await makeMember(db, clinic.id, 'doctor'));
		}
	});
});
afterAll(async () => {
	await app?.stop();
});

const from = (address: string) => app.client({ 'x-forwarded-for': address });
const login = (address: string, email: string, password: string) => from(address).post('/api/v1/auth/login', { email, password });

describe('login rate limiting', () => {
	it('blocks an account after repeated failures from any mix of addresses: 429 with Retry-After, even for the right password', async () => {
		const { email } = people[0];
		for (let i = 0; i < LIMIT; i++) expectError(await login(`10.0.0.${i + 1}`, email, 'wrong password'), 401, 'invalid_credentials');
		const blocked = await login('10.0.0.99', email, PASSWORD);
		expectError(blocked, 429, 'rate_limited');
		const retryAfter = Number(blocked.headers.get('retry-after'));
		expect(retryAfter).toBeGreaterThan(0);
		expect(retryAfter).toBeLessThanOrEqual(15 * 60);
		expect(errorOf(blocked).message).toContain(String(retryAfter));
		expect(blocked.headers.has('set-cookie')).toBe(false);
		// Someone else is not affected by this account's lock.
		expect((await login('10.0.0.99', people[1].email, PASSWORD)).status).toBe(200);
	});

	it('blocks an address after failures across many accounts, while the same accounts still work elsewhere', async () => {
		const attacker = '192.0.2.7';
		for (let i = 0; i < LIMIT * 4; i++) {
			// Each guessed account fails below its own limit, so only the address counter trips.
			expectError(await login(attacker, `guess-${i}@example.test`, 'wrong password'), 401, 'invalid_credentials');
		}
		const blocked = await login(attacker, people[2].email, PASSWORD);
		expectError(blocked, 429, 'rate_limited');
		expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
		expect((await login('198.51.100.1', people[2].email, PASSWORD)).status).toBe(200);
	});

	it('does not count refused input (no email) as an attempt', async () => {
		for (let i = 0; i < LIMIT * 5; i++) expectError(await from('203.0.113.5').post('/api/v1/auth/login', { password: 'x' }), 400, 'field_required', 'email');
		expect((await login('203.0.113.5', people[1].email, PASSWORD)).status).toBe(200);
	});
});
