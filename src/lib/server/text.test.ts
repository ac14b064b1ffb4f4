import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cleanText, isStorableText, isUuid, isoDay, isoInstant, numberField, unstorableTextAt } from './text';
import { parseInput, refuseUnstorableText } from './validation';
import { errorMessage } from '$lib/i18n/errors';
import { isAppError } from './errors';
import { patientInput, searchInput } from './patients/schema';
import { followUpInput } from './scheduling/schema';
import { reorderInput } from './queue/schema';

/** The AppError parseInput throws, as a plain object to compare. */
function refusal(schema: z.ZodType, input: unknown) {
	try {
		parseInput(schema, input);
	} catch (e) {
		if (isAppError(e)) return { status: e.status, code: e.code, field: e.field };
		throw e;
	}
	throw new Error('accepted');
}

describe('text the database can store', () => {
	it.each([
		['plain text', 'Ayesha Khan', true],
		['Urdu', 'عائشہ خان', true],
		['an emoji (a surrogate pair)', 'Get well 🌷', true],
		['a NUL byte', 'LHR01\u0000', false],
		['a lone high surrogate', 'Dr \uD800 Khan', false],
		['a lone low surrogate', '\uDC00room', false],
		['a pair written backwards', '\uDC00\uD800', false],
		['a high surrogate at the end', 'x\uD83C', false]
	])('%s → %s', (_case, value, storable) => {
		expect(isStorableText(value)).toBe(storable);
	});

	it('names the first field, key or value, that cannot be stored, anywhere in the input', () => {
		expect(unstorableTextAt({ name: 'ok', weekly: [{ start: '09:00' }, { note: 'x\u0000' }] })).toBe('weekly.1.note');
		expect(unstorableTextAt({ 'na\u0000me': 'x' })).toBe('na?me');
		expect(unstorableTextAt('\uD800')).toBe('');
		expect(unstorableTextAt({ age: 40, tags: ['a', 'b'], nested: { deep: null } })).toBeNull();
	});

	it('walks a body nested a hundred thousand deep without overflowing the stack', () => {
		const deep: unknown = JSON.parse('['.repeat(100_000) + '"\\u0000"' + ']'.repeat(100_000));
		expect(unstorableTextAt(deep)).toMatch(/^0(\.0)+$/);
	});

	it('refuses it in parseInput with 400 field_invalid naming the field and saying why, even in a field the schema would drop', () => {
		const schema = z.object({ name: z.string() });
		expect(refusal(schema, { name: 'Room \uD800' })).toEqual({ status: 400, code: 'field_invalid', field: 'name' });
		expect(refusal(schema, { name: 'Room', extra: ['\u0000'] })).toEqual({ status: 400, code: 'field_invalid', field: 'extra.0' });
		expect(refusal(schema, { name: 'x\u0000' })).toMatchObject({ code: 'field_invalid' });
	});

	it('says in the message what is wrong with the text, where a plain invalid value says only that it is invalid', () => {
		const thrown = (() => {
			try {
				refuseUnstorableText({ name: 'x\u0000' });
			} catch (e) {
				return isAppError(e) ? e : null;
			}
			return null;
		})();
		expect(thrown && errorMessage(thrown.code, thrown.params)).toMatch(/cannot be saved/);
		expect(errorMessage('field_invalid')).toBe('This value is not valid.');
	});

	it('cleanText refuses control characters and broken characters, and trims', () => {
		expect(cleanText(10).safeParse('  Room 1  ').data).toBe('Room 1');
		expect(cleanText(10).safeParse('Room\u0007').success).toBe(false);
		expect(cleanText(10).safeParse('Room\uDC00').success).toBe(false);
		expect(cleanText(3).safeParse('Room').success).toBe(false);
	});
});

describe('days and instants a clinic means', () => {
	it.each([
		['1900-01-01', true],
		['2200-12-31', true],
		['2026-02-28', true],
		['1899-12-31', false],
		['2201-01-01', false],
		['0000-01-01', false],
		['9999-12-31', false],
		['2026-02-30', false],
		['2026-2-3', false]
	])('isoDay %s → %s', (day, ok) => {
		expect(isoDay().safeParse(day).success).toBe(ok);
	});

	it('isoInstant takes an explicit offset within the same range', () => {
		expect(isoInstant().parse('2026-03-01T09:30:00+05:00')).toEqual(new Date('2026-03-01T04:30:00Z'));
		expect(isoInstant().safeParse('0000-01-01T10:00:00Z').success).toBe(false);
		expect(isoInstant().safeParse('9999-12-31T23:30:00Z').success).toBe(false);
		expect(isoInstant().safeParse('2026-03-01T09:30:00').success).toBe(false);
	});
});

describe('one UUID check', () => {
	it.each([
		['a v4 UUID', '3f1c2a9e-8b7d-4c1e-9a2b-5d6e7f809112', true],
		['36 dashes', '-'.repeat(36), false],
		['36 zeros', '0'.repeat(36), false],
		['hex without the layout', 'abcdef01-2345-6789-abcd-ef0123456789-', false],
		['a UUID with a NUL', '3f1c2a9e-8b7d-4c1e-9a2b-5d6e7f80911\u0000', false],
		['not a string', 42, false]
	])('%s → %s', (_case, value, ok) => {
		expect(isUuid(value)).toBe(ok);
	});
});

describe('numbers from JSON and from forms', () => {
	const weeks = numberField(z.number().int().min(1).max(52));
	const age = numberField(z.number().int().min(0).max(125).optional());

	it('takes a JSON number as it is and parses the digits a form sends', () => {
		expect(weeks.parse(4)).toBe(4);
		expect(weeks.parse(' 12 ')).toBe(12);
		expect(age.parse('0')).toBe(0);
	});

	it.each([
		['null', null],
		['an empty array', []],
		['true', true],
		['digits with more after them', '12abc'],
		['a fraction', 1.5],
		['an exponent string', '1e3']
	])('never turns %s into a number', (_case, value) => {
		expect(weeks.safeParse(value).success).toBe(false);
		expect(age.safeParse(value).success).toBe(false);
	});

	it('takes an empty string as absent', () => {
		expect(age.parse('')).toBeUndefined();
		expect(age.parse('   ')).toBeUndefined();
		expect(weeks.safeParse('').success).toBe(false);
	});

	it('refuses {"age": null} on a patient instead of making them a newborn', () => {
		const schema = patientInput('PK', '2026-06-01').partial();
		expect(refusal(schema, { age: null })).toMatchObject({ status: 400, field: 'age' });
		expect(refusal(schema, { age: [] })).toMatchObject({ status: 400, field: 'age' });
		expect(refusal(schema, { age: true })).toMatchObject({ status: 400, field: 'age' });
		expect(parseInput(schema, { age: '' }).age).toBeUndefined();
	});

	it('refuses birth dates outside 1900..today and keeps form numbers working', () => {
		const schema = patientInput('PK', '2026-06-01');
		expect(refusal(schema, { name: 'A', dateOfBirth: '0000-01-01' })).toMatchObject({ status: 400, field: 'dateOfBirth' });
		expect(refusal(schema, { name: 'A', dateOfBirth: '2026-06-02' })).toMatchObject({ status: 400, field: 'dateOfBirth' });
		expect(parseInput(searchInput, { q: 'x', limit: '5' }).limit).toBe(5);
		expect(parseInput(searchInput, { q: 'x', limit: '' }).limit).toBe(20);
		expect(refusal(searchInput, { limit: 'lots' })).toMatchObject({ code: 'field_invalid', field: 'limit' });
		expect(refusal(followUpInput, { weeks: null, idempotencyKey: 'key-12345' })).toMatchObject({ field: 'weeks' });
		expect(parseInput(reorderInput, { position: '0', reason: 'urgent' }).position).toBe(0);
		expect(refusal(reorderInput, { position: [], reason: 'urgent' })).toMatchObject({ field: 'position' });
	});
});
