import { describe, expect, it } from 'vitest';
import { calendarContract } from './calendar';
import { readContent } from './reading';

const appointment = {
	id: 'a1',
	ref: 'LHR01-A1000',
	patientId: 'p1',
	patientName: 'Amna',
	patientRef: 'LHR01-P1000',
	doctorId: 'd1',
	start: '2026-12-07T05:00:00.000Z',
	end: '2026-12-07T05:15:00.000Z',
	status: 'confirmed',
	reason: 'Fever',
	type: null
};
const dressing = { ...appointment, id: 'a2', type: { id: 't1', name: 'Dressing change', color: '#0e7490' } };
const day = {
	day: '2026-12-07',
	timezone: 'Asia/Karachi',
	doctors: [{ id: 'd1', name: 'Dr Sana' }],
	hours: [{ doctorId: 'd1', start: '2026-12-07T04:00:00.000Z', end: '2026-12-07T12:00:00.000Z' }],
	appointments: [appointment]
};

describe('reading a live calendar day against its contract', () => {
	it('is empty before the first sync, not a mismatch', () => {
		expect(readContent(calendarContract, {})).toEqual({ state: 'empty' });
	});

	it('reads what the server writes, and ignores fields a newer server adds', () => {
		const reading = readContent(calendarContract, { ...day, appointments: [{ ...appointment, room: 'Room 2' }], alsoNew: true });
		expect(reading).toEqual({ state: 'ok', value: day });
	});

	it('reads the day of a clinic that no longer exists: no time zone, nothing on it', () => {
		expect(readContent(calendarContract, { day: '2026-12-07', doctors: [], appointments: [], hours: [] }).state).toBe('ok');
	});

	it('calls a status it does not know a mismatch instead of drawing the appointment as something else', () => {
		expect(readContent(calendarContract, { ...day, appointments: [{ ...appointment, status: 'in_triage' }] })).toEqual({ state: 'mismatch' });
	});

	it('reads an appointment of a type with the type’s name and colour', () => {
		const reading = readContent(calendarContract, { ...day, appointments: [appointment, dressing] });
		expect(reading).toEqual({ state: 'ok', value: { ...day, appointments: [appointment, dressing] } });
	});

	it('calls a missing type, or a colour that is not #rrggbb, a mismatch instead of guessing the colour', () => {
		const { type: _gone, ...untyped } = appointment;
		expect(readContent(calendarContract, { ...day, appointments: [untyped] }).state).toBe('mismatch');
		expect(readContent(calendarContract, { ...day, appointments: [{ ...dressing, type: { ...dressing.type, color: 'teal' } }] }).state).toBe('mismatch');
		expect(readContent(calendarContract, { ...day, appointments: [{ ...dressing, type: { id: 't1', name: 'Dressing' } }] }).state).toBe('mismatch');
	});

	it('calls a missing or retyped field a mismatch', () => {
		const { patientName: _gone, ...missing } = appointment;
		expect(readContent(calendarContract, { ...day, appointments: [missing] }).state).toBe('mismatch');
		expect(readContent(calendarContract, { ...day, hours: [{ doctorId: 'd1', start: 9, end: 17 }] }).state).toBe('mismatch');
	});
});
