import { describe, expect, it } from 'vitest';
import { allIcd10Codes, icd10Source, MAX_RESULTS, normalise, searchIcd10 } from './icd10';

const codes = (q: string) => searchIcd10(q).map((r) => r.code);

describe('the ICD-10 list', () => {
	it('holds at least 1,500 codes across every chapter letter of ICD-10, A to Z', () => {
		const all = allIcd10Codes();
		expect(all.length).toBeGreaterThanOrEqual(1500);
		const letters = new Set(all.map((c) => c.code[0]));
		expect([...letters].sort().join('')).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
	});

	it('has well-formed, unique codes with English titles', () => {
		const all = allIcd10Codes();
		expect(all.every((c) => /^[A-Z][0-9]{2}(\.[0-9]{1,2})?$/.test(c.code) && c.title.trim().length > 0)).toBe(true);
		expect(new Set(all.map((c) => c.code)).size).toBe(all.length);
	});

	it('names its source, edition and licence', () => {
		expect(icd10Source.source).toContain('github.com');
		expect(icd10Source.sourceCommit).toMatch(/^[0-9a-f]{40}$/);
		expect(icd10Source.edition).toMatch(/ICD-10.*2019/);
		expect(icd10Source.licence).toMatch(/CC0/);
	});
});

describe('searching by code', () => {
	it.each([
		['j45', 'J45'],
		['J45', 'J45'],
		['J45.9', 'J45.9'],
		['j459', 'J45.9'],
		['J45 9', 'J45.9'],
		['e11.9', 'E11.9'],
		[' I10 ', 'I10'],
		['b18.00', 'B18.00']
	])('%s finds %s first', (q, first) => {
		expect(codes(q)[0]).toBe(first);
	});

	it('lists the codes that begin with the query after the code itself, in the classification’s order', () => {
		expect(codes('J45')).toEqual(['J45', 'J45.0', 'J45.1', 'J45.8', 'J45.9']);
		expect(codes('a0').slice(0, 5)).toEqual(['A00', 'A00.0', 'A00.1', 'A00.9', 'A01']);
	});

	it('puts code matches before title matches', () => {
		// "B12" is not a code of the list; "b1" begins B15…B19.
		expect(codes('b1')[0]).toBe('B15');
	});
});

describe('searching by words', () => {
	it.each([
		['asthma', 'J45'],
		['ASTH', 'J45'],
		['diab mell 2', 'E11'],
		['type 2 diabetes', 'E11'],
		['sezary', 'C84.1'],
		['SÉZARY', 'C84.1'],
		['covid', 'U07.1'],
		['typhoid fever', 'A01.0'],
		['urinary tract infection site', 'N39.0'],
		['vitamin b 12 deficiency', 'D51']
	])('%s finds %s first', (q, first) => {
		expect(codes(q)[0]).toBe(first);
	});

	it('needs every word of the query to begin a word of the title', () => {
		const results = searchIcd10('asth unspec');
		expect(results.length).toBeGreaterThan(0);
		for (const r of results) {
			const words = normalise(r.title).split(' ');
			expect(['asth', 'unspec'].every((q) => words.some((w) => w.startsWith(q)))).toBe(true);
		}
	});

	it('ranks a whole word before a word it only begins, and an earlier word before a later one', () => {
		const ranked = codes('fever');
		expect(ranked.indexOf('R50.9')).toBeLessThan(ranked.indexOf('A01.0'));
		// "Asthma" (whole, first) before "Status asthmaticus" (begun, second).
		expect(codes('asthma').indexOf('J45')).toBeLessThan(codes('asthma').indexOf('J46'));
	});

	it('prefers shorter titles among equally good matches', () => {
		const titles = searchIcd10('malaria').map((r) => r.title);
		const firstWord = titles.filter((t) => normalise(t).startsWith('malaria'));
		expect(firstWord.map((t) => t.length)).toEqual([...firstWord.map((t) => t.length)].sort((a, b) => a - b));
	});

	it('reads possessives and punctuation loosely', () => {
		expect(codes("hodgkin's lymphoma").length).toBeGreaterThan(0);
		expect(codes('hodgkin, lymphoma')).toEqual(codes('hodgkin lymphoma'));
	});

	it('returns at most 20 results', () => {
		expect(searchIcd10('disease')).toHaveLength(MAX_RESULTS);
		expect(searchIcd10('c')).toHaveLength(0);
	});
});

describe('queries that find nothing', () => {
	it.each(['', ' ', 'a', 'J', '.', '!!', 'zzzzqx', 'asthmx', 'J99.99'])('%j finds nothing', (q) => {
		expect(searchIcd10(q)).toEqual([]);
	});
});
