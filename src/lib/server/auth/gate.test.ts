import { describe, expect, it } from 'vitest';
import { accountGate } from './gate';

const verified = { twoFactorVerified: true };
const unverified = { twoFactorVerified: false };
const mustChange = { mustChangePassword: true };
const normal = { mustChangePassword: false };

describe('accountGate', () => {
	it('sends a person who must change their password to that page before any other', () => {
		for (const path of ['/', '/SHF01', '/SHF01/admin/members', '/account/security', '/me', '/signup']) {
			expect(accountGate(verified, mustChange, path), path).toBe('/account/password');
		}
		for (const path of ['/account/password', '/logout', '/locale', '/healthz']) {
			expect(accountGate(verified, mustChange, path), path).toBeNull();
		}
	});

	it('asks for the second factor before the new password', () => {
		expect(accountGate(unverified, mustChange, '/account/password')).toBe('/login/two-factor');
		expect(accountGate(unverified, mustChange, '/login/two-factor')).toBeNull();
		expect(accountGate(unverified, normal, '/SHF01')).toBe('/login/two-factor');
		expect(accountGate(unverified, normal, '/logout')).toBeNull();
	});

	it('does not let look-alike paths through', () => {
		expect(accountGate(unverified, normal, '/login/two-factor-not')).toBe('/login/two-factor');
		expect(accountGate(verified, mustChange, '/account/passwordless')).toBe('/account/password');
	});

	it('lets everyone else through', () => {
		expect(accountGate(verified, normal, '/account/security')).toBeNull();
		expect(accountGate(verified, normal, '/SHF01')).toBeNull();
	});
});
