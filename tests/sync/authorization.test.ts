import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentName, SyncClose, type DocumentRef } from '../../src/lib/sync/protocol';
import { defaultCatalogue, type Catalogue } from '../../src/lib/server/sync/catalogue';
import { roleIn } from '../../src/lib/server/sync/access';
import { createSession, generateSessionToken } from '../../src/lib/server/auth/session';
import { ROLES, type Role } from '../../src/lib/server/db/schema';
import { patient, visit } from '../../src/lib/server/db/schema';
import { closeCollaborativeDocument } from '../../src/lib/server/sync/persistence';
import type { Db } from '../../src/lib/server/db';
import { makeClinic, makeMember, makeSession, makeUser, rand } from '../factories';
import { connect, dayFromToday, startSync, type RunningSync } from './harness';

/** A patient as its future domain will describe it, for the live documents; charts are real visits. */
const patientId = '6e2d3b58-1f5c-4a4f-9b7f-3c0e8d2f5a66';
let visitId: string;
let patientFacts: { clinicId: string; patientUserId: string };

function catalogueWithPatients(): Catalogue {
	const catalogue = defaultCatalogue();
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
		catalogue: catalogueWithPatients(),
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
	visitId = await makeVisit(db, clinicId, ids.doctor);
	patientFacts = { clinicId, patientUserId: patient.id };
});
afterAll(() => running.close());

async function makeVisit(db: Db, clinic: string, doctorId: string, status: 'open' | 'completed' = 'open'): Promise<string> {
	const [p] = await db
		.insert(patient)
		.values({ clinicId: clinic, refNo: 1 + Math.floor(Math.random() * 1e6), name: `Chart patient ${rand(2)}` })
		.returning();
	const [v] = await db
		.insert(visit)
		.values({
			clinicId: clinic,
			refNo: 1 + Math.floor(Math.random() * 1e6),
			patientId: p.id,
			doctorId,
			status,
			completedAt: status === 'completed' ? new Date() : null
		})
		.returning();
	return v.id;
}

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
	referrals: documentName.referrals(clinicId),
	chart: documentName.chart(visitId),
	patientLive: documentName.patientLive(patientId),
	patientAppointments: documentName.patientAppointments(patientId)
});

const R = 'readonly';
const W = 'read-write';
const F = 'forbidden';
const matrix: Record<DocumentRef['type'], Record<Role | 'otherClinicAdmin' | 'patient', Outcome>> = {
	calendar: { admin: R, doctor: R, nurse: R, reception: R, pharmacist: R, otherClinicAdmin: F, patient: F },
	desk: { admin: W, doctor: W, nurse: W, reception: W, pharmacist: W, otherClinicAdmin: F, patient: F },
	queue: { admin: R, doctor: R, nurse: R, reception: R, pharmacist: R, otherClinicAdmin: F, patient: F },
	display: { admin: R, doctor: R, nurse: R, reception: R, pharmacist: R, otherClinicAdmin: F, patient: F },
	pharmacy: { admin: R, doctor: R, nurse: F, reception: F, pharmacist: R, otherClinicAdmin: F, patient: F },
	staff: { admin: R, doctor: R, nurse: R, reception: R, pharmacist: R, otherClinicAdmin: F, patient: F },
	waitlist: { admin: R, doctor: R, nurse: F, reception: R, pharmacist: F, otherClinicAdmin: F, patient: F },
	referrals: { admin: F, doctor: R, nurse: R, reception: F, pharmacist: F, otherClinicAdmin: F, patient: F },
	chart: { admin: F, doctor: W, nurse: W, reception: F, pharmacist: F, otherClinicAdmin: F, patient: F },
	patientLive: { admin: R, doctor: R, nurse: R, reception: R, pharmacist: R, otherClinicAdmin: F, patient: R },
	patientAppointments: { admin: R, doctor: R, nurse: R, reception: R, pharmacist: R, otherClinicAdmin: F, patient: R }
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

	it('gives the chart of a completed visit read-only to its doctor and the nurses, and still nothing to the others', async () => {
		const { db } = running.database;
		const completed = documentName.chart(await makeVisit(db, clinicId, ids.doctor, 'completed'));
		const seen = Object.fromEntries(
			await Promise.all(Object.keys(matrix.chart).map(async (who) => [who, await open(completed, { token: tokens[who as keyof typeof tokens] })]))
		);
		expect(seen).toEqual({ admin: F, doctor: R, nurse: R, reception: F, pharmacist: F, otherClinicAdmin: F, patient: F });
	});

	it('closes the chart once its document is closed: the writers read only', async () => {
		const { db } = running.database;
		const id = await makeVisit(db, clinicId, ids.doctor);
		await db.transaction((tx) => closeCollaborativeDocument(tx, documentName.chart(id), clinicId));
		expect(await open(documentName.chart(id), { token: tokens.doctor })).toBe(R);
		expect(await open(documentName.chart(id), { token: tokens.nurse })).toBe(R);
	});

	it('lets a doctor of another clinic and a nurse of another clinic open nothing of this clinic’s chart', async () => {
		const { db } = running.database;
		const other = await makeClinic(db);
		for (const role of ['doctor', 'nurse'] as const) {
			expect(await open(docs().chart, { token: await makeSession(db, (await makeMember(db, other.id, role)).id) })).toBe(F);
		}
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
