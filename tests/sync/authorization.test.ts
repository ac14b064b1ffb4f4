import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentName, SyncClose, type DocumentRef } from '../../src/lib/sync/protocol';
import { defaultCatalogue, type Catalogue } from '../../src/lib/server/sync/catalogue';
import { roleIn } from '../../src/lib/server/sync/access';
import { createSession, generateSessionToken } from '../../src/lib/server/auth/session';
import { ROLES, type Role } from '../../src/lib/server/db/schema';
import { makeClinic, makeMember, makeSession, makeUser } from '../factories';
import { connect, dayFromToday, startSync, type RunningSync } from './harness';

/** A visit and a patient as their future domains will describe them, for the chart and live documents. */
const visitId = '5d1c2a47-0e4b-4f3f-8a6e-2b9d7c1e4f55';
const patientId = '6e2d3b58-1f5c-4a4f-9b7f-3c0e8d2f5a66';
let visitFacts: { clinicId: string; clinicianUserIds: string[] };
let patientFacts: { clinicId: string; patientUserId: string };

function catalogueWithVisitsAndPatients(): Catalogue {
	const catalogue = defaultCatalogue();
	catalogue.locators.chart = async (db, ref, actor) => {
		if (ref.type !== 'chart' || ref.visitId !== visitId || actor.kind !== 'user') return null;
		return { clinicId: visitFacts.clinicId, role: await roleIn(db, actor, visitFacts.clinicId), closed: false, clinicianUserIds: visitFacts.clinicianUserIds };
	};
	catalogue.locators.patientLive = async (db, ref, actor) => {
		if ((ref.type !== 'patientLive' && ref.type !== 'patientAppointments') || ref.patientId !== patientId || actor.kind !== 'user') return null;
		return { clinicId: patientFacts.clinicId, role: await roleIn(db, actor, patientFacts.clinicId), closed: false, patientUserId: patientFacts.patientUserId };
	};
	catalogue.locators.patientAppointments = catalogue.locators.patientLive;
	return catalogue;
}

let running: RunningSync;
let clinicId: string;
const tokens = {} as Record<Role | 'otherClinicAdmin' | 'patient', string>;
const ids = {} as Record<Role, string>;
const displayKey = 'display-key-for-tests-0001';

beforeAll(async () => {
	running = await startSync({
		catalogue: catalogueWithVisitsAndPatients(),
		resolveDisplayKey: async (key) => (key === displayKey ? { clinicId } : null)
	});
	const { db } = running.database;
	const clinic = await makeClinic(db);
	const other = await makeClinic(db);
	clinicId = clinic.id;
	for (const role of ROLES) {
		const user = await makeMember(db, clinic.id, role);
		ids[role] = user.id;
		tokens[role] = await makeSession(db, user.id);
	}
	tokens.otherClinicAdmin = await makeSession(db, (await makeMember(db, other.id, 'admin')).id);
	const patient = await makeUser(db, { kind: 'patient' });
	tokens.patient = await makeSession(db, patient.id);
	visitFacts = { clinicId, clinicianUserIds: [ids.doctor] };
	patientFacts = { clinicId, patientUserId: patient.id };
});
afterAll(() => running.close());

type Outcome = 'read-write' | 'readonly' | 'forbidden' | 'unauthenticated' | 'unknown-document';

async function open(name: string, options: Parameters<typeof connect>[2]): Promise<Outcome | string> {
	const client = connect(running.url, name, options);
	const outcome = await client.outcome;
	const result = outcome === 'synced' ? (client.provider.authorizedScope ?? 'none') : outcome;
	client.destroy();
	return result;
}

// Today: a desk's notes open only for days near the clinic's today.
const day = dayFromToday(0);
const docs = (): Record<DocumentRef['type'], string> => ({
	calendar: documentName.calendar(clinicId, day),
	desk: documentName.desk(clinicId, day),
	queue: documentName.queue(clinicId, day),
	display: documentName.display(clinicId, day),
	pharmacy: documentName.pharmacy(clinicId),
	staff: documentName.staff(clinicId),
	waitlist: documentName.waitlist(clinicId),
	chart: documentName.chart(visitId),
	patientLive: documentName.patientLive(patientId),
	patientAppointments: documentName.patientAppointments(patientId)
});

const R = 'readonly';
const W = 'read-write';
const F = 'forbidden';
const matrix: Record<DocumentRef['type'], Record<Role | 'otherClinicAdmin' | 'patient', Outcome>> = {
	calendar: { admin: R, doctor: R, reception: R, pharmacist: R, otherClinicAdmin: F, patient: F },
	desk: { admin: W, doctor: W, reception: W, pharmacist: W, otherClinicAdmin: F, patient: F },
	queue: { admin: R, doctor: R, reception: R, pharmacist: R, otherClinicAdmin: F, patient: F },
	display: { admin: R, doctor: R, reception: R, pharmacist: R, otherClinicAdmin: F, patient: F },
	pharmacy: { admin: R, doctor: R, reception: F, pharmacist: R, otherClinicAdmin: F, patient: F },
	staff: { admin: R, doctor: R, reception: R, pharmacist: R, otherClinicAdmin: F, patient: F },
	waitlist: { admin: R, doctor: R, reception: R, pharmacist: F, otherClinicAdmin: F, patient: F },
	chart: { admin: F, doctor: W, reception: F, pharmacist: F, otherClinicAdmin: F, patient: F },
	patientLive: { admin: R, doctor: R, reception: R, pharmacist: R, otherClinicAdmin: F, patient: R },
	patientAppointments: { admin: R, doctor: R, reception: R, pharmacist: R, otherClinicAdmin: F, patient: R }
};

describe('opening documents through the real server', () => {
	for (const [type, row] of Object.entries(matrix)) {
		it(`${type}: each role of the clinic, another clinic's admin and a patient get what the policy says`, async () => {
			const name = docs()[type as DocumentRef['type']];
			const seen = Object.fromEntries(
				await Promise.all(Object.keys(row).map(async (who) => [who, await open(name, { token: tokens[who as keyof typeof tokens] })]))
			);
			expect(seen).toEqual(row);
		});
	}

	it('gives another doctor of the clinic the chart read-only, and the clinician read-write', async () => {
		const { db } = running.database;
		const second = await makeMember(db, clinicId, 'doctor');
		expect(await open(docs().chart, { token: await makeSession(db, second.id) })).toBe(R);
		expect(await open(docs().chart, { token: tokens.doctor })).toBe(W);
	});

	it('knows a browser by its session cookie, but not when the page is on another origin', async () => {
		const cookie = `theme=dark; session=${tokens.reception}`;
		expect(await open(docs().staff, { cookie })).toBe(R);
		expect(await open(docs().staff, { cookie, origin: 'https://evil.example' })).toBe('unauthenticated');
	});

	it('refuses a connection with no credentials, a bad token, or a session still waiting for its second factor, and closes it with 4401', async () => {
		const { db } = running.database;
		const pending = generateSessionToken();
		await createSession(db, pending, ids.admin, { twoFactorVerified: false });
		for (const token of ['', 'not-a-token', pending]) {
			const client = connect(running.url, docs().staff, { token });
			expect(await client.outcome).toBe('unauthenticated');
			expect((await client.closed).code).toBe(SyncClose.unauthenticated.code);
			client.destroy();
		}
	});

	it('lets a kiosk with the display key open its clinic’s display and nothing else', async () => {
		expect(await open(docs().display, { token: displayKey })).toBe(R);
		expect(await open(docs().queue, { token: displayKey })).toBe(F);
		expect(await open(docs().staff, { token: displayKey })).toBe(F);
		const { db } = running.database;
		const other = await makeClinic(db);
		expect(await open(documentName.display(other.id, day), { token: displayKey })).toBe(F);
		expect(await open(docs().display, { token: 'wrong-display-key' })).toBe('unauthenticated');
	});

	it('refuses a name that is not in the catalogue, and a visit nobody registered', async () => {
		const unknown = connect(running.url, 'clinic/../../etc/passwd', { token: tokens.admin });
		expect((await unknown.closed).code).toBe(SyncClose.unknownDocument.code);
		unknown.destroy();
		expect(await open(documentName.chart('99999999-9999-4999-8999-999999999999'), { token: tokens.doctor })).toBe('unknown-document');
	});
});
