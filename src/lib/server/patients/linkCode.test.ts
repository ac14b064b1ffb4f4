import { describe, expect, it } from 'vitest';
import { LINK_CODE_ALPHABET, displayLinkCode, generateLinkCode, hashLinkCode, normalizeLinkCode } from './linkCode';

describe('link codes', () => {
	it('are 8 characters from an alphabet without look-alikes, shown as two groups of four', () => {
		for (const confusable of '01OILU') expect(LINK_CODE_ALPHABET).not.toContain(confusable);
		const codes = new Set(Array.from({ length: 200 }, generateLinkCode));
		expect(codes.size).toBe(200);
		for (const code of codes) {
			expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{8}$/);
			expect(displayLinkCode(code)).toBe(`${code.slice(0, 4)}-${code.slice(4)}`);
		}
	});

	it('read what people type: any case, spaces and dashes; refuse what cannot be a code', () => {
		expect(normalizeLinkCode('7k4q-9mxt')).toBe('7K4Q9MXT');
		expect(normalizeLinkCode(' 7K4Q 9MXT ')).toBe('7K4Q9MXT');
		expect(normalizeLinkCode('7K4Q9MX')).toBeNull();
		expect(normalizeLinkCode('7K4Q9MXTA')).toBeNull();
		expect(normalizeLinkCode('0K4Q-9MXT')).toBeNull();
		expect(normalizeLinkCode("7K4Q'--X")).toBeNull();
	});

	it('are stored as a SHA-256 that differs from the code', () => {
		const hash = hashLinkCode('7K4Q9MXT');
		expect(hash).toMatch(/^[0-9a-f]{64}$/);
		expect(hash).not.toContain('7K4Q');
		expect(hashLinkCode('7K4Q9MXT')).toBe(hash);
	});
});
