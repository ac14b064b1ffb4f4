import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

describe('environment', () => {
	it('defaults to the embedded database in ./data on port 3000', () => {
		const config = parseEnv({});
		expect(config.PORT).toBe(3000);
		expect(config.DATABASE_URL).toBeUndefined();
		expect(config.dataDir).toMatch(/\/data$/);
		expect(config.secureCookies).toBe(false);
	});

	it('turns on secure cookies for an https origin', () => {
		expect(parseEnv({ ORIGIN: 'https://clinic.example.com' }).secureCookies).toBe(true);
	});

	it('refuses bad values with a message naming each one', () => {
		const attempt = () => parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', REDIS_URL: 'http://x' });
		expect(attempt).toThrow(EnvError);
		expect(attempt).toThrow(/PORT/);
		expect(attempt).toThrow(/DATABASE_URL: must start with postgres/);
		expect(attempt).toThrow(/REDIS_URL/);
	});

	it('treats empty variables as unset', () => {
		expect(parseEnv({ DATABASE_URL: '', PORT: '' }).PORT).toBe(3000);
	});
});
