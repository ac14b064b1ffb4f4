import { describe, expect, it } from 'vitest';
import type { DocumentRef, DocumentType } from '../../sync/protocol';
import { ROLES, type Role } from '../db/schema';
import { can, documentAccess, type DocumentFacts, type SyncActor } from './policy';

const clinicId = '0b7e3f43-8b1c-4a51-9a3e-1f7f3c8e2a10';
const otherClinicId = '7a9e3f43-8b1c-4a51-9a3e-1f7f3c8e2a10';
const userId = '11111111-1111-4111-8111-111111111111';
const visitId = '22222222-2222-4222-8222-222222222222';
const patientId = '33333333-3333-4333-8333-333333333333';
const day = '2025-03-01';

const refs: Record<DocumentType, DocumentRef> = {
	calendar: { type: 'calendar', clinicId, day },
	desk: { type: 'desk', clinicId, day },
	queue: { type: 'queue', clinicId, day },
	display: { type: 'display', clinicId, day },
	pharmacy: { type: 'pharmacy', clinicId },
	staff: { type: 'staff', clinicId },
	waitlist: { type: 'waitlist', clinicId },
	referrals: { type: 'referrals', clinicId },
	chart: { type: 'chart', visitId },
	patientLive: { type: 'patientLive', patientId },
	patientAppointments: { type: 'patientAppointments', patientId }
};

const staff = (): SyncActor => ({ kind: 'user', userId, name: 'Sana', userKind: 'staff', mustChangePassword: false, twoFactorEnabled: false });
const facts = (role: Role | null, more: Partial<DocumentFacts> = {}): DocumentFacts => ({ clinicId, role, closed: false, ...more });

/** The document catalogue (docs/ARCHITECTURE.md), role by role, for a member of the document's clinic. */
const expected: Record<DocumentType, Record<Role, 'none' | 'read' | 'write'>> = {
	calendar: { admin: 'read', doctor: 'read', nurse: 'read', reception: 'read', pharmacist: 'read' },
	desk: { admin: 'write', doctor: 'write', nurse: 'write', reception: 'write', pharmacist: 'write' },
	queue: { admin: 'read', doctor: 'read', nurse: 'read', reception: 'read', pharmacist: 'read' },
	display: { admin: 'read', doctor: 'read', nurse: 'read', reception: 'read', pharmacist: 'read' },
	pharmacy: { admin: 'read', doctor: 'read', nurse: 'none', reception: 'none', pharmacist: 'read' },
	staff: { admin: 'read', doctor: 'read', nurse: 'read', reception: 'read', pharmacist: 'read' },
	waitlist: { admin: 'read', doctor: 'read', nurse: 'none', reception: 'read', pharmacist: 'none' },
	referrals: { admin: 'none', doctor: 'read', nurse: 'read', reception: 'none', pharmacist: 'none' },
	chart: { admin: 'none', doctor: 'read', nurse: 'write', reception: 'none', pharmacist: 'none' },
	patientLive: { admin: 'read', doctor: 'read', nurse: 'read', reception: 'read', pharmacist: 'read' },
	patientAppointments: { admin: 'read', doctor: 'read', nurse: 'read', reception: 'read', pharmacist: 'read' }
};

describe('who may open which document', () => {
	const types: DocumentType[] = [
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
	];
	for (const type of types) {
		it.each(ROLES)(`${type}: a clinic %s gets the catalogue's access`, (role) => {
			expect(documentAccess(staff(), refs[type], facts(role))).toBe(expected[type][role]);
		});
		it(`${type}: someone with no role there (another clinic's staff) gets nothing`, () => {
			expect(documentAccess(staff(), refs[type], facts(null, { clinicId: otherClinicId }))).toBe('none');
		});
	}

	it('lets the visit clinicians write the chart until it closes, then read it', () => {
		const clinician = facts('doctor', { clinicianUserIds: [userId] });
		expect(documentAccess(staff(), refs.chart, clinician)).toBe('write');
		expect(documentAccess(staff(), refs.chart, { ...clinician, closed: true })).toBe('read');
		expect(can(staff(), 'document.write', refs.chart, { ...clinician, closed: true })).toBe(false);
	});

	it('refuses every document to an account whose password an admin reset, even the patient’s own', () => {
		const reset: SyncActor = { kind: 'user', userId, name: 'Sana', userKind: 'staff', mustChangePassword: true, twoFactorEnabled: true };
		for (const type of Object.keys(refs) as DocumentType[]) expect(documentAccess(reset, refs[type], facts('admin', { patientUserId: userId }))).toBe('none');
	});

	it('makes a closed desk document read-only', () => {
		expect(documentAccess(staff(), refs.desk, facts('reception', { closed: true }))).toBe('read');
	});

	it('lets a patient read their own live document and nobody else’s', () => {
		const patient: SyncActor = { kind: 'user', userId, name: 'Pat', userKind: 'patient', mustChangePassword: false, twoFactorEnabled: false };
		expect(documentAccess(patient, refs.patientLive, facts(null, { patientUserId: userId }))).toBe('read');
		expect(documentAccess(patient, refs.patientLive, facts(null, { patientUserId: visitId }))).toBe('none');
		expect(documentAccess(patient, refs.patientAppointments, facts(null, { patientUserId: userId }))).toBe('read');
		expect(documentAccess(patient, refs.patientAppointments, facts(null, { patientUserId: visitId }))).toBe('none');
		expect(documentAccess(patient, refs.staff, facts('admin'))).toBe('none');
	});

	it('lets a kiosk read only its own clinic’s display', () => {
		const kiosk: SyncActor = { kind: 'display', clinicId };
		expect(documentAccess(kiosk, refs.display, facts(null))).toBe('read');
		expect(documentAccess({ kind: 'display', clinicId: otherClinicId }, refs.display, facts(null))).toBe('none');
		for (const type of ['calendar', 'desk', 'queue', 'pharmacy', 'staff', 'waitlist', 'referrals', 'chart', 'patientLive', 'patientAppointments'] as const) {
			expect(documentAccess(kiosk, refs[type], facts(null))).toBe('none');
		}
	});

	it('never lets anyone write a projection', () => {
		for (const type of ['calendar', 'queue', 'display', 'pharmacy', 'staff', 'waitlist', 'patientLive', 'patientAppointments'] as const) {
			for (const role of ROLES) expect(can(staff(), 'document.write', refs[type], facts(role, { clinicianUserIds: [userId] }))).toBe(false);
		}
	});
});
