import { describe, expect, it } from 'vitest';
import { displayContract, patientLiveContract, queueContract } from './queue';
import { readContent } from './reading';

const token = {
	id: 't1',
	token: '001',
	status: 'waiting',
	patientId: 'p1',
	patientName: 'Amna',
	patientRef: 'LHR01-P1000',
	doctorId: null,
	chosenDoctorId: null,
	appointmentId: null,
	appointmentStart: null,
	arrival: 'walk_in',
	arrivalMinutes: null,
	urgent: false,
	urgentReason: null,
	returned: false,
	moved: false,
	skipCount: 0,
	callCount: 0,
	checkedInAt: '2026-12-06T05:00:00.000Z',
	calledAt: null,
	completedAt: null,
	room: null,
	cancelReason: null,
	order: 0,
	plannedDoctorId: 'd1',
	ahead: 0,
	estimatedCallAt: null,
	waitMinutes: 0
};

describe('reading live queue content against its contract', () => {
	it('is empty before the first sync, not a mismatch', () => {
		expect(readContent(queueContract, {})).toEqual({ state: 'empty' });
	});

	it('reads what the server writes, and ignores fields a newer server adds', () => {
		const reading = readContent(queueContract, { day: '2026-12-06', doctors: [], tokens: [{ ...token, somethingNew: 1 }], alsoNew: true });
		expect(reading.state).toBe('ok');
		if (reading.state === 'ok') expect(reading.value.tokens[0]).toEqual(token);
	});

	it('calls a status it does not know a mismatch instead of showing the token as waiting', () => {
		expect(readContent(queueContract, { day: '2026-12-06', doctors: [], tokens: [{ ...token, status: 'in_triage' }] })).toEqual({ state: 'mismatch' });
	});

	it('calls a missing or retyped field a mismatch', () => {
		const { patientName: _gone, ...missing } = token;
		expect(readContent(queueContract, { day: '2026-12-06', doctors: [], tokens: [missing] }).state).toBe('mismatch');
		expect(
			readContent(displayContract, {
				day: '2026-12-06',
				clinic: null,
				doctors: [{ slot: '1', doctor: 'Dr A', room: null, nowServing: null, calls: 0, next: [] }],
				shared: [],
				next: []
			}).state
		).toBe('mismatch');
	});

	it('reads a patient with no token today, and one with a token', () => {
		expect(readContent(patientLiveContract, { queue: null })).toEqual({ state: 'ok', value: { queue: null } });
		const live = {
			clinic: { name: 'C', code: 'LHR01' },
			day: '2026-12-06',
			queue: {
				token: '001',
				status: 'with_doctor',
				ahead: null,
				waitMinutes: null,
				doctor: 'Dr A',
				sharedLine: false,
				appointmentAt: null,
				room: 'Room 2',
				calledAt: null,
				checkedInAt: '2026-12-06T05:00:00.000Z'
			}
		};
		expect(readContent(patientLiveContract, live).state).toBe('ok');
	});
});
