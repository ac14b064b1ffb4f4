import { describe, expect, it } from 'vitest';
import { innerTrigrams, prefilterPieces, similarity } from './trigram';

describe('trigram similarity', () => {
	it('matches pg_trgm on known pairs', () => {
		// SELECT similarity('zubair abc', 'zubair abc hashmi') → 0.6111111 in PostgreSQL.
		expect(similarity('zubair abc', 'zubair abc hashmi')).toBeCloseTo(0.6111111, 6);
		expect(similarity('word', 'word')).toBe(1);
		expect(similarity('abc', 'xyz')).toBe(0);
	});

	it('tolerates spelling', () => {
		expect(similarity('Mohammad Kahn', 'Muhammad Khan')).toBeGreaterThan(0.3);
		expect(similarity('Mohammad Kahn', 'Fatima Bibi')).toBeLessThan(0.1);
	});

	it('cuts query words into pieces for the prefilter, Urdu too', () => {
		expect(innerTrigrams('Ali Khan')).toEqual(['ali', 'kha', 'han']);
		expect(innerTrigrams('علی')).toEqual(['علی']);
	});

	it('cuts query words into four-letter pieces for the prefilter, a three-letter word whole', () => {
		expect(prefilterPieces('Ali Khan')).toEqual(['ali', 'khan']);
		expect(prefilterPieces('Mehwihs Ul')).toEqual(['mehw', 'ehwi', 'hwih', 'wihs']);
		expect(prefilterPieces('ab')).toEqual([]);
	});
});
