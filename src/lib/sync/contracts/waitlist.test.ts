import { describe, expect, it } from 'vitest';
import { waitlistContract } from './waitlist';
import { readContent } from './reading';

const entry = {
	id: 'w1',
	patientId: 'p1',
	patientName: 'Amna',
	doctorId: 'd1',
	status: 'offered',
	offeredStart: '2026-12-07T05:00:00.000Z',
	currentStart: null,
	note: 'mornings',
	createdAt: '2026-12-01T09:00:00.000Z'
};

describe('reading the live waitlist against its contract', () => {
	it('is empty before the first sync, not a mismatch', () => {
		expect(readContent(waitlistContract, {})).toEqual({ state: 'empty' });
	});

	it('reads what the server writes, and ignores fields a newer server adds', () => {
		const reading = readContent(waitlistContract, { entries: [{ ...entry, priority: 2 }], alsoNew: true });
		expect(reading).toEqual({ state: 'ok', value: { entries: [entry] } });
		expect(readContent(waitlistContract, { entries: [{ ...entry, status: 'waiting', offeredStart: null }] }).state).toBe('ok');
	});

	it('calls a status it does not know a mismatch instead of listing the entry as waiting', () => {
		expect(readContent(waitlistContract, { entries: [{ ...entry, status: 'paused' }] })).toEqual({ state: 'mismatch' });
	});

	it('calls a missing or retyped field a mismatch', () => {
		const { createdAt: _gone, ...missing } = entry;
		expect(readContent(waitlistContract, { entries: [missing] }).state).toBe('mismatch');
		expect(readContent(waitlistContract, { entries: { w1: entry } }).state).toBe('mismatch');
	});
});
