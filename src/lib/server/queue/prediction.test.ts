import { describe, expect, it } from 'vitest';
import { at, token } from './lineTokens.fixture';
import { dueAt, eligibleFor, pickNext, placeBefore, type LineToken } from './order';
import { NEAR_AHEAD, predictQueue, type DoctorLine, type PredictedToken } from './prediction';

const hhmm = (d: Date | null) => d?.toISOString().slice(11, 16) ?? null;
const MIN = 60_000;
const doctor = (id: string, freeAt: string, minutes = 10): DoctorLine => ({ id, freeAt: at(freeAt), consultationMs: minutes * MIN });

/** One row per predicted token: [token, line, expected doctor, call time, ahead, waits until, nearly next]. */
type Row = [string, string | null, string | null, string | null, number, string | null, boolean];
const rows = (predicted: PredictedToken[]): Row[] =>
	predicted.map((p) => [p.tokenId, p.line, p.doctorId, hhmm(p.callAt), p.ahead, hhmm(p.waitsUntil), p.nearlyNext]);

type Case = { name: string; waiting: LineToken[]; doctors: DoctorLine[]; now: string; expected: Row[] };

const cases: Case[] = [
	{
		name: 'one doctor’s line: call times one consultation apart, the first three nearly next',
		waiting: [1, 2, 3, 4].map((i) => token({ id: `t${i}`, checkedInAt: at(`09:0${i}`) })),
		doctors: [doctor('d1', '09:10')],
		now: '09:05',
		expected: [
			['t1', 'd1', 'd1', '09:10', 0, null, true],
			['t2', 'd1', 'd1', '09:20', 1, null, true],
			['t3', 'd1', 'd1', '09:30', 2, null, true],
			['t4', 'd1', 'd1', '09:40', 3, null, false]
		]
	},
	{
		name: 'the shared line stays shared: whichever doctor is free first is expected to take the next shared walk-in',
		waiting: [1, 2, 3, 4].map((i) => token({ id: `s${i}`, doctorId: null, checkedInAt: at(`09:0${i}`) })),
		doctors: [doctor('d1', '09:00', 10), doctor('d2', '09:00', 20)],
		now: '09:05',
		expected: [
			['s1', null, 'd1', '09:05', 0, null, true],
			['s2', null, 'd2', '09:05', 0, null, true],
			['s3', null, 'd1', '09:15', 1, null, true],
			['s4', null, 'd1', '09:25', 2, null, true]
		]
	},
	{
		name: 'a doctor’s own walk-in and a shared walk-in are taken by arrival, whoever’s line they are in',
		waiting: [
			token({ id: 'own', doctorId: 'd1', checkedInAt: at('09:05') }),
			token({ id: 'shared', doctorId: null, checkedInAt: at('09:00') }),
			token({ id: 'other', doctorId: 'd2', checkedInAt: at('09:01') })
		],
		doctors: [doctor('d1', '09:10'), doctor('d2', '09:15')],
		now: '09:10',
		expected: [
			['shared', null, 'd1', '09:10', 0, null, true],
			['other', 'd2', 'd2', '09:15', 0, null, true],
			['own', 'd1', 'd1', '09:20', 1, null, true]
		]
	},
	{
		name: 'an early appointment patient waits for their time; walk-ins, even later ones, are predicted first',
		waiting: [
			token({ id: 'early', checkedInAt: at('09:00'), appointmentStart: at('12:00') }),
			token({ id: 'w1', checkedInAt: at('09:05') }),
			token({ id: 'w2', doctorId: null, checkedInAt: at('09:10') })
		],
		doctors: [doctor('d1', '09:15')],
		now: '09:15',
		expected: [
			['w1', 'd1', 'd1', '09:15', 0, null, true],
			['w2', null, 'd1', '09:25', 1, null, true],
			['early', 'd1', 'd1', '12:00', 2, '12:00', false]
		]
	},
	{
		name: 'alone in the line hours early: still their appointment time, and not nearly next',
		waiting: [token({ id: 'early', checkedInAt: at('09:00'), appointmentStart: at('12:00') })],
		doctors: [doctor('d1', '09:00', 15)],
		now: '09:01',
		expected: [['early', 'd1', 'd1', '12:00', 0, '12:00', false]]
	},
	{
		name: 'nearly next once the appointment is within one consultation',
		waiting: [token({ id: 'early', checkedInAt: at('09:00'), appointmentStart: at('12:00') })],
		doctors: [doctor('d1', '11:40', 15)],
		now: '11:46',
		expected: [['early', 'd1', 'd1', '12:00', 0, '12:00', true]]
	},
	{
		name: 'tokens behind a patient held for their appointment are not nearly next either',
		waiting: [
			token({ id: 'early', checkedInAt: at('09:00'), appointmentStart: at('12:00') }),
			token({ id: 'later', checkedInAt: at('09:01'), appointmentStart: at('12:15') })
		],
		doctors: [doctor('d1', '09:00', 15)],
		now: '09:01',
		expected: [
			['early', 'd1', 'd1', '12:00', 0, '12:00', false],
			['later', 'd1', 'd1', '12:15', 1, null, false]
		]
	},
	{
		name: 'a doctor still busy past the appointment time: the patient is simply due then, not held',
		waiting: [
			token({ id: 'w1', checkedInAt: at('09:00') }),
			token({ id: 'appt', checkedInAt: at('09:20'), appointmentStart: at('09:30') }),
			token({ id: 'w2', checkedInAt: at('09:25') })
		],
		doctors: [doctor('d1', '09:26', 10)],
		now: '09:26',
		expected: [
			['w1', 'd1', 'd1', '09:26', 0, null, true],
			['appt', 'd1', 'd1', '09:36', 1, null, true],
			['w2', 'd1', 'd1', '09:46', 2, null, true]
		]
	},
	{
		name: 'an early patient moved to the front by hand is predicted where staff put them',
		waiting: [
			token({ id: 'w1', checkedInAt: at('09:05') }),
			token({ id: 'early', checkedInAt: at('09:00'), appointmentStart: at('12:00'), movedBeforeId: 'w1', movedAt: at('09:06') })
		],
		doctors: [doctor('d1', '09:10')],
		now: '09:10',
		expected: [
			['early', 'd1', 'd1', '09:10', 0, null, true],
			['w1', 'd1', 'd1', '09:20', 1, null, true]
		]
	},
	{
		name: 'tokens of a doctor not working today, and shared walk-ins with no doctor at all: last, with no estimate',
		waiting: [token({ id: 'away', doctorId: 'gone', checkedInAt: at('09:00') }), token({ id: 'shared', doctorId: null, checkedInAt: at('09:01') })],
		doctors: [],
		now: '09:00',
		expected: [
			['away', 'gone', 'gone', null, 0, null, false],
			['shared', null, null, null, 0, null, false]
		]
	}
];

describe('predicting the day by the order rule', () => {
	it.each(cases)('$name', ({ waiting, doctors, now, expected }) => {
		expect(rows(predictQueue(waiting, doctors, at(now)))).toEqual(expected);
	});

	it('places a token moved by hand exactly where it was dropped', () => {
		const base = [1, 2, 3, 4].map((i) => token({ id: `t${i}`, checkedInAt: at(`09:0${i}`) }));
		const appt = token({ id: 'appt', checkedInAt: at('08:55'), appointmentStart: at('09:30') });
		const doctors = [doctor('d1', '09:05')];
		const now = at('09:05');
		for (const target of [0, 1, 2, 3]) {
			const others = [...base.slice(0, 3), appt];
			const line = predictQueue(others, doctors, now);
			const moved = { ...base[3], movedBeforeId: placeBefore(line, target), movedAt: now };
			const order = predictQueue([...others, moved], doctors, now).map((p) => p.tokenId);
			expect(order.indexOf('t4'), `dropped at ${target}: ${order.join(',')}`).toBe(target);
		}
		expect(placeBefore(predictQueue(base.slice(0, 3), doctors, now), 3)).toBeNull();
	});
});

/** A small deterministic generator, so a failing mix can be replayed from its seed. */
function random(seed: number) {
	let s = seed;
	return () => {
		s = (s * 1103515245 + 12345) % 2 ** 31;
		return s / 2 ** 31;
	};
}

function mix(seed: number): { waiting: LineToken[]; doctors: DoctorLine[]; now: Date } {
	const r = random(seed);
	const now = at('10:00');
	const minutes = (m: number) => new Date(now.getTime() + m * MIN);
	const doctors = ['d1', 'd2', 'd3'].slice(0, 1 + Math.floor(r() * 3)).map((id) => ({
		id,
		freeAt: minutes(Math.floor(r() * 20)),
		consultationMs: (5 + Math.floor(r() * 20)) * MIN
	}));
	const waiting = Array.from({ length: 1 + Math.floor(r() * 12) }, (_, i) => {
		const kind = r();
		const doctorId = kind < 0.35 ? null : (doctors[Math.floor(r() * doctors.length)]?.id ?? 'd1');
		const checkedInAt = minutes(-Math.floor(r() * 120));
		const appointment = doctorId && kind > 0.6 ? minutes(Math.floor(r() * 300) - 60) : null;
		return token({
			id: `x${i}`,
			doctorId,
			checkedInAt,
			appointmentStart: appointment,
			late: appointment !== null && r() < 0.1,
			urgentAt: r() < 0.05 ? minutes(-1) : null
		});
	});
	return { waiting, doctors, now };
}

describe('properties of the prediction', () => {
	const seeds = Array.from({ length: 300 }, (_, i) => i + 1);

	it('never predicts a present appointment patient before their appointment time, unless marked urgent', () => {
		for (const seed of seeds) {
			const { waiting, doctors, now } = mix(seed);
			for (const p of predictQueue(waiting, doctors, now)) {
				const due = p.urgent ? null : dueAt(waiting.find((t) => t.id === p.tokenId)!);
				if (due && p.callAt) expect(p.callAt.getTime(), `seed ${seed}, ${p.tokenId}`).toBeGreaterThanOrEqual(due.getTime());
			}
		}
	});

	it('predicts, for the one doctor free now, the token their “call next” would take', () => {
		for (const seed of seeds) {
			const { waiting, doctors, now } = mix(seed);
			const [free, ...busy] = doctors;
			const later = busy.map((d) => ({ ...d, freeAt: new Date(Math.max(d.freeAt.getTime(), now.getTime() + MIN)) }));
			const predicted = predictQueue(waiting, [{ ...free, freeAt: now }, ...later], now);
			const taken = pickNext(eligibleFor(waiting, free.id), now);
			expect(predicted.find((p) => p.doctorId === free.id)?.tokenId, `seed ${seed}`).toBe(taken?.id);
		}
	});

	it('calls a token nearly next only when few calls and no appointment time stand before it', () => {
		for (const seed of seeds) {
			const { waiting, doctors, now } = mix(seed);
			for (const p of predictQueue(waiting, doctors, now)) {
				if (!p.nearlyNext) continue;
				const consultation = doctors.find((d) => d.id === p.doctorId)!.consultationMs;
				expect(p.ahead).toBeLessThanOrEqual(NEAR_AHEAD);
				expect(p.callAt!.getTime() - now.getTime()).toBeLessThanOrEqual((NEAR_AHEAD + 1) * consultation);
			}
		}
	});

	it('gives every waiting token exactly one place', () => {
		for (const seed of seeds) {
			const { waiting, doctors, now } = mix(seed);
			const ids = predictQueue(waiting, doctors, now).map((p) => p.tokenId);
			expect([...ids].sort()).toEqual(waiting.map((t) => t.id).sort());
		}
	});
});
