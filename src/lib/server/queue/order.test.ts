import { describe, expect, it } from 'vitest';
import { at, token } from './lineTokens.fixture';
import { eligibleFor, pickNext, type LineToken } from './order';
import { arrivalTiming, consultationMs, freeAt, waitMinutes } from './estimate';

const ids = (tokens: (LineToken | null)[]) => tokens.map((t) => t?.id ?? null);

describe('the queue order rule', () => {
	it('calls a present appointment patient at their time, before walk-ins who came earlier', () => {
		const walkIn = token({ id: 'walk', checkedInAt: at('09:05') });
		const appt = token({ id: 'appt', checkedInAt: at('09:20'), appointmentStart: at('09:30') });
		expect(pickNext([walkIn, appt], at('09:31'))?.id).toBe('appt');
	});

	it('lets walk-ins fill the gap before an appointment, in arrival order', () => {
		const second = token({ id: 'second', checkedInAt: at('09:10') });
		const first = token({ id: 'first', checkedInAt: at('09:05') });
		const appt = token({ id: 'appt', checkedInAt: at('09:00'), appointmentStart: at('10:00') });
		expect(pickNext([second, first, appt], at('09:15'))?.id).toBe('first');
		expect(pickNext([appt], at('09:15'))?.id).toBe('appt');
	});

	it('orders due appointments by appointment time, not by arrival', () => {
		const later = token({ id: 'later', checkedInAt: at('08:50'), appointmentStart: at('09:30') });
		const earlier = token({ id: 'earlier', checkedInAt: at('09:10'), appointmentStart: at('09:15') });
		expect(pickNext([later, earlier], at('09:40'))?.id).toBe('earlier');
	});

	it('puts an urgent token in front of everyone, earliest marked first', () => {
		const appt = token({ id: 'appt', appointmentStart: at('09:00') });
		const u2 = token({ id: 'u2', urgentAt: at('09:20') });
		const u1 = token({ id: 'u1', urgentAt: at('09:10') });
		expect(pickNext([appt, u2, u1], at('09:30'))?.id).toBe('u1');
	});

	it('queues a late appointment patient by arrival, like a walk-in', () => {
		const walkIn = token({ id: 'walk', checkedInAt: at('09:40') });
		const late = token({ id: 'late', checkedInAt: at('09:45'), appointmentStart: at('09:00'), late: true });
		expect(pickNext([late, walkIn], at('09:50'))?.id).toBe('walk');
	});

	it('returns a recalled or sent-back token behind those already waiting, not to the front', () => {
		const back = token({ id: 'back', checkedInAt: at('08:00'), appointmentStart: at('08:30'), returnedAt: at('09:30') });
		const waiting = token({ id: 'waiting', checkedInAt: at('09:10') });
		const arrivesLater = token({ id: 'later', checkedInAt: at('09:40') });
		expect(ids([pickNext([back, waiting, arrivesLater], at('09:45'))])).toEqual(['waiting']);
		expect(ids([pickNext([back, arrivesLater], at('09:45'))])).toEqual(['back']);
	});

	it('breaks ties by the lower token number', () => {
		const a = token({ id: 'a', number: 7 });
		const b = token({ id: 'b', number: 3 });
		expect(pickNext([a, b], at('09:30'))?.id).toBe('b');
		expect(pickNext([], at('09:30'))).toBeNull();
	});

	it('offers a doctor their own line and the shared line, never a colleague’s', () => {
		const mine = token({ id: 'mine', doctorId: 'd1' });
		const theirs = token({ id: 'theirs', doctorId: 'd2' });
		const anyone = token({ id: 'anyone', doctorId: null });
		expect(ids(eligibleFor([mine, theirs, anyone], 'd1'))).toEqual(['mine', 'anyone']);
	});

	// A doctor's next, from their own line and the shared line, by the one ranking of the rule.
	it.each([
		{
			name: 'a shared walk-in who came first goes before the doctor’s own walk-in',
			tokens: [token({ id: 'own', checkedInAt: at('09:05') }), token({ id: 'shared', doctorId: null, checkedInAt: at('09:00') })],
			next: 'shared'
		},
		{
			name: 'the doctor’s own walk-in who came first goes before a shared one',
			tokens: [token({ id: 'own', checkedInAt: at('09:00') }), token({ id: 'shared', doctorId: null, checkedInAt: at('09:05') })],
			next: 'own'
		},
		{
			name: 'a due appointment goes before a shared walk-in who came earlier',
			tokens: [
				token({ id: 'shared', doctorId: null, checkedInAt: at('08:00') }),
				token({ id: 'appt', checkedInAt: at('09:20'), appointmentStart: at('09:30') })
			],
			next: 'appt'
		},
		{
			name: 'a shared walk-in marked urgent goes before a due appointment',
			tokens: [
				token({ id: 'appt', checkedInAt: at('09:20'), appointmentStart: at('09:30') }),
				token({ id: 'shared', doctorId: null, checkedInAt: at('09:31'), urgentAt: at('09:32') })
			],
			next: 'shared'
		},
		{
			name: 'a shared walk-in goes before an early appointment patient',
			tokens: [
				token({ id: 'early', checkedInAt: at('08:00'), appointmentStart: at('12:00') }),
				token({ id: 'shared', doctorId: null, checkedInAt: at('09:30') })
			],
			next: 'shared'
		},
		{
			name: 'a colleague’s walk-in who came first is not this doctor’s to take',
			tokens: [token({ id: 'theirs', doctorId: 'd2', checkedInAt: at('08:00') }), token({ id: 'shared', doctorId: null, checkedInAt: at('09:30') })],
			next: 'shared'
		}
	])('$name', ({ tokens, next }) => {
		expect(pickNext(eligibleFor(tokens, 'd1'), at('09:35'))?.id).toBe(next);
	});
});

describe('estimated waits', () => {
	it('averages today’s last consultations, falling back to the slot length', () => {
		expect(consultationMs([], 20)).toBe(20 * 60_000);
		expect(consultationMs([], null)).toBe(15 * 60_000);
		expect(
			consultationMs(
				[6, 8, 10].map((m) => m * 60_000),
				20
			)
		).toBe(8 * 60_000);
		expect(consultationMs([1000], 20)).toBe(2 * 60_000);
		expect(consultationMs([5 * 3_600_000], 20)).toBe(90 * 60_000);
	});

	it('knows when a busy doctor is free and rounds waits up', () => {
		expect(freeAt(at('09:00'), null, 600_000)).toEqual(at('09:00'));
		expect(freeAt(at('09:00'), at('08:55'), 600_000)).toEqual(at('09:05'));
		expect(freeAt(at('09:30'), at('08:55'), 600_000)).toEqual(at('09:30'));
		expect(waitMinutes(at('09:00'), new Date(at('09:00').getTime() + 61_000))).toBe(2);
		expect(waitMinutes(at('09:10'), at('09:00'))).toBe(0);
	});

	it('records arrival as early, on time or late against the appointment', () => {
		expect(arrivalTiming(at('09:30'), at('09:00'), 10)).toEqual({ arrival: 'early', minutes: -30 });
		expect(arrivalTiming(at('09:30'), at('09:35'), 10)).toEqual({ arrival: 'on_time', minutes: 5 });
		expect(arrivalTiming(at('09:30'), at('09:45'), 10)).toEqual({ arrival: 'late', minutes: 15 });
	});
});
