import { describe, expect, it } from 'vitest';
import { closeReasonOf, documentName, documentKinds, FINAL_CLOSE_CODES, parseDocumentName, SyncClose } from './protocol';

const clinic = '0b7e3f43-8b1c-4a51-9a3e-1f7f3c8e2a10';
const visit = '5d1c2a47-0e4b-4f3f-8a6e-2b9d7c1e4f55';

describe('document names', () => {
	it('round-trips every catalogue name through build and parse', () => {
		const names = [
			documentName.calendar(clinic, '2025-03-01'),
			documentName.desk(clinic, '2025-03-01'),
			documentName.queue(clinic, '2025-03-01'),
			documentName.display(clinic, '2025-03-01'),
			documentName.pharmacy(clinic),
			documentName.staff(clinic),
			documentName.waitlist(clinic),
			documentName.referrals(clinic),
			documentName.chart(visit),
			documentName.patientLive(visit),
			documentName.patientAppointments(visit)
		];
		expect(names).toContain(`clinic/${clinic}/day/2025-03-01/calendar`);
		expect(names.map((n) => parseDocumentName(n)?.type)).toEqual([
			'calendar',
			'desk',
			'queue',
			'display',
			'pharmacy',
			'staff',
			'waitlist',
			'referrals',
			'chart',
			'patientLive',
			'patientAppointments'
		]);
		expect(parseDocumentName(documentName.queue(clinic, '2025-03-01'))).toEqual({ type: 'queue', clinicId: clinic, day: '2025-03-01' });
		expect(Object.keys(documentKinds)).toHaveLength(11);
	});

	it.each([
		'',
		'clinic',
		`clinic/${clinic}`,
		`clinic/${clinic}/staff/extra`,
		`clinic/${clinic}/day/2025-02-30/queue`,
		`clinic/${clinic}/day/25-01-01/queue`,
		`clinic/${clinic}/day/2025-03-01/billing`,
		`clinic/${clinic.toUpperCase()}/staff`,
		`clinic/not-a-uuid/staff`,
		`visit/${visit}/notes`,
		`patient/${visit}/chart`,
		`/clinic/${clinic}/staff`,
		`clinic/${clinic}/staff/`,
		`clinic/${clinic}/../${clinic}/staff`,
		'x'.repeat(500)
	])('refuses the malformed or unknown name %j', (name) => {
		expect(parseDocumentName(name)).toBeNull();
	});

	it('refuses to build a name from bad parts', () => {
		expect(() => documentName.staff('nope')).toThrow();
		expect(() => documentName.queue(clinic, '2025-13-01')).toThrow();
		expect(() => documentName.queue(clinic, '2025-02-29')).toThrow();
		expect(documentName.queue(clinic, '2024-02-29')).toBe(`clinic/${clinic}/day/2024-02-29/queue`);
	});

	it('names the reason of a close code, and of no other code', () => {
		expect(closeReasonOf(4413)).toBe('document-full');
		expect(closeReasonOf(SyncClose.tooManyDocuments.code)).toBe('too-many-documents');
		expect(closeReasonOf(1000)).toBeNull();
	});

	it('makes a full document final, so the client does not resend the refused update in a loop', () => {
		expect(FINAL_CLOSE_CODES.has(SyncClose.documentFull.code)).toBe(true);
	});

	it('gives every close a distinct code and reason', () => {
		const closes = Object.values(SyncClose);
		expect(new Set(closes.map((c) => c.code)).size).toBe(closes.length);
		expect(new Set(closes.map((c) => c.reason)).size).toBe(closes.length);
	});
});
