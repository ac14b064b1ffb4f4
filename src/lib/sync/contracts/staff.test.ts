import { describe, expect, it } from 'vitest';
import { staffContract } from './staff';
import { readContent } from './reading';

const member = { userId: 'u1', name: 'Dr Sana', role: 'doctor', onDuty: true };

describe('reading the live staff list against its contract', () => {
	it('is empty before the first sync, not a mismatch', () => {
		expect(readContent(staffContract, {})).toEqual({ state: 'empty' });
	});

	it('reads what the server writes, and ignores fields a newer server adds', () => {
		const reading = readContent(staffContract, { day: '2026-12-07', staff: [{ ...member, shift: 'morning' }], alsoNew: 1 });
		expect(reading).toEqual({ state: 'ok', value: { day: '2026-12-07', staff: [member] } });
		expect(readContent(staffContract, { day: null, staff: [] }).state).toBe('ok');
	});

	it('calls a role it does not know a mismatch instead of listing the person under a wrong role', () => {
		expect(readContent(staffContract, { day: '2026-12-07', staff: [{ ...member, role: 'lab' }] })).toEqual({ state: 'mismatch' });
	});

	it('calls a missing or retyped field a mismatch', () => {
		const { onDuty: _gone, ...missing } = member;
		expect(readContent(staffContract, { day: '2026-12-07', staff: [missing] }).state).toBe('mismatch');
		expect(readContent(staffContract, { day: '2026-12-07', staff: [{ ...member, onDuty: 'yes' }] }).state).toBe('mismatch');
	});
});
