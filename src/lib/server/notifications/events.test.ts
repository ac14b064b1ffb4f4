import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTBOX_EVENT_TYPES, parseOutboxEvent } from './events';

const ids = { appointmentId: crypto.randomUUID(), patientId: crypto.randomUUID(), doctorId: crypto.randomUUID() };

describe('reading an outbox row back', () => {
	it('gives the typed event for a row written by emit', () => {
		const payload = { ...ids, start: '2031-03-04T10:00:00.000Z' };
		expect(parseOutboxEvent({ type: 'appointment.booked', payload })).toEqual({ ok: true, event: { type: 'appointment.booked', payload } });
	});

	it('ignores keys the current contract does not name (older code wrote more)', () => {
		const parsed = parseOutboxEvent({ type: 'appointment.no_show', payload: { ...ids, markedBy: 'desk' } });
		expect(parsed).toEqual({ ok: true, event: { type: 'appointment.no_show', payload: ids } });
	});

	it.each([
		['an unknown type', { type: 'appointment.teleported', payload: ids }, 'unknown event type "appointment.teleported"'],
		['a missing field', { type: 'appointment.booked', payload: ids }, 'payload of appointment.booked does not match: start:'],
		[
			'a malformed id',
			{ type: 'queue.called', payload: { tokenId: 'T-12', patientId: ids.patientId, token: 'A12', doctorId: ids.doctorId, visitId: crypto.randomUUID() } },
			'payload of queue.called does not match: tokenId:'
		],
		[
			'a time without its offset',
			{
				type: 'waitlist.offered',
				payload: { waitlistEntryId: crypto.randomUUID(), patientId: ids.patientId, doctorId: ids.doctorId, start: '2031-03-04 10:00' }
			},
			'payload of waitlist.offered does not match: start:'
		],
		['a payload that is not an object', { type: 'queue.checked_in', payload: 'A12' }, 'payload of queue.checked_in does not match: payload:']
	])('refuses %s with a reason that names what is wrong', (_, row, reason) => {
		const parsed = parseOutboxEvent(row);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.reason.startsWith(reason)).toBe(true);
	});

	it('knows every event type once', () => {
		expect(new Set(OUTBOX_EVENT_TYPES).size).toBe(OUTBOX_EVENT_TYPES.length);
		expect(OUTBOX_EVENT_TYPES).toContain('appointment.no_show');
	});
});

describe('writing outbox rows', () => {
	it('happens only through emit: no other server file inserts into outbox_event', () => {
		const root = join(import.meta.dirname, '..');
		const writers = readdirSync(root, { recursive: true, encoding: 'utf8' })
			.filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
			.filter((file) => /insert\(\s*outboxEvent\s*\)|insert\s+into\s+"?outbox_event/i.test(readFileSync(join(root, file), 'utf8')));
		expect(writers).toEqual(['notifications/outbox.ts']);
	});
});
