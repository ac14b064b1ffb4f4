import { describe, expect, it } from 'vitest';
import { eligibleFor, pickNext, placeBefore, planQueue, type LineToken } from './order';
import { arrivalTiming, consultationMs, freeAt, waitMinutes } from './estimate';

const at = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00Z`);
let n = 0;
function token(over: Partial<LineToken> & { id: string }): LineToken {
	n += 1;
	return {
		number: n,
		doctorId: 'd1',
		checkedInAt: at('09:00'),
		appointmentStart: null,
		late: false,
		urgentAt: null,
		returnedAt: null,
		movedBeforeId: null,
		movedAt: null,
		...over
	};
}
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

	it('offers a doctor their own tokens and walk-ins who chose nobody', () => {
		const mine = token({ id: 'mine', doctorId: 'd1' });
		const theirs = token({ id: 'theirs', doctorId: 'd2' });
		const anyone = token({ id: 'anyone', doctorId: null });
		expect(ids(eligibleFor([mine, theirs, anyone], 'd1'))).toEqual(['mine', 'anyone']);
	});
});

describe('planning the day forward', () => {
	it('gives each token an expected call time and the number ahead of it, per doctor', () => {
		const tokens = [1, 2, 3].map((i) => token({ id: `t${i}`, checkedInAt: at(`09:0${i}`) }));
		const plan = planQueue(tokens, [{ id: 'd1', freeAt: at('09:10'), consultationMs: 10 * 60_000 }], at('09:05'));
		expect(plan.map((p) => [p.tokenId, p.ahead, p.callAt.toISOString().slice(11, 16)])).toEqual([
			['t1', 0, '09:10'],
			['t2', 1, '09:20'],
			['t3', 2, '09:30']
		]);
	});

	it('shares walk-ins without a chosen doctor between free doctors', () => {
		const tokens = [1, 2, 3, 4].map((i) => token({ id: `t${i}`, doctorId: null, checkedInAt: at(`09:0${i}`) }));
		const doctors = [
			{ id: 'd1', freeAt: at('09:00'), consultationMs: 10 * 60_000 },
			{ id: 'd2', freeAt: at('09:00'), consultationMs: 20 * 60_000 }
		];
		const plan = planQueue(tokens, doctors, at('09:05'));
		expect(plan.map((p) => [p.tokenId, p.doctorId, p.callAt.toISOString().slice(11, 16)])).toEqual([
			['t1', 'd1', '09:05'],
			['t2', 'd2', '09:05'],
			['t3', 'd1', '09:15'],
			['t4', 'd1', '09:25']
		]);
	});

	it('lists tokens of a doctor who is not working today last, without an estimate', () => {
		const plan = planQueue([token({ id: 'x', doctorId: 'away' })], [{ id: 'd1', freeAt: at('09:00'), consultationMs: 600_000 }], at('09:00'));
		expect(plan.map((p) => [p.tokenId, p.doctorId])).toEqual([['x', 'away']]);
	});

	it('places a token moved by hand exactly where it was dropped', () => {
		const base = [1, 2, 3, 4].map((i) => token({ id: `t${i}`, checkedInAt: at(`09:0${i}`) }));
		const appt = token({ id: 'appt', checkedInAt: at('08:55'), appointmentStart: at('09:30') });
		const doctors = [{ id: 'd1', freeAt: at('09:05'), consultationMs: 10 * 60_000 }];
		const now = at('09:05');
		for (const target of [0, 1, 2, 3]) {
			const others = [...base.slice(0, 3), appt];
			const line = planQueue(others, doctors, now);
			const moved = { ...base[3], movedBeforeId: placeBefore(line, target), movedAt: now };
			const order = planQueue([...others, moved], doctors, now).map((p) => p.tokenId);
			expect(order.indexOf('t4'), `dropped at ${target}: ${order.join(',')}`).toBe(target);
		}
		expect(placeBefore(planQueue(base.slice(0, 3), doctors, now), 3)).toBeNull();
	});

	it('keeps a moved token’s place even when the doctor is free earlier than planned', () => {
		const walkIn = token({ id: 'walk', checkedInAt: at('09:00') });
		const moved = token({ id: 'moved', checkedInAt: at('09:20'), movedBeforeId: 'walk', movedAt: at('09:21') });
		expect(pickNext([walkIn, moved], at('09:22'))?.id).toBe('moved');
		const urgent = token({ id: 'urgent', urgentAt: at('09:25') });
		expect(pickNext([walkIn, moved, urgent], at('09:26'))?.id).toBe('urgent');
		// Its anchor has left the line: it goes next.
		const other = token({ id: 'other', checkedInAt: at('08:00') });
		expect(pickNext([other, moved], at('09:30'))?.id).toBe('moved');
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
