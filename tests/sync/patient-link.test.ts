import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentName, SyncClose } from '../../src/lib/sync/protocol';
import { readProjection } from '../../src/lib/server/sync/projection';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { createLinkCode } from '../../src/lib/server/patients/createLinkCode';
import { linkPatientAccount } from '../../src/lib/server/patients/linkPatientAccount';
import { unlinkPatientAccount } from '../../src/lib/server/patients/unlinkPatientAccount';
import { makeClinic, makeMember, makeSession, makeUser, rand } from '../factories';
import { barrier, connect, startSync, type RunningSync } from './harness';

let running: RunningSync;
beforeAll(async () => {
	running = await startSync();
});
afterAll(() => running.close());

describe('a linked account and its live document', () => {
	it('opens the record’s live document only once linked, and no longer after the desk unlinks it', async () => {
		const { db } = running.database;
		const home = await makeClinic(db, { name: `Shifa ${rand(2)}` });
		const desk = await makeMember(db, home.id, 'reception');
		const ctx = { clinicId: home.id, actor: { userId: desk.id, role: 'reception' as const } };
		const registered = await registerPatient(db, ctx, { name: 'Zainab Qureshi', age: 40 }, { allowDuplicate: true });
		if (registered.status !== 'created') throw new Error('expected a new record');
		const account = await makeUser(db, { kind: 'patient' });
		const token = await makeSession(db, account.id);
		const name = documentName.patientLive(registered.patient.id);

		const before = connect(running.url, name, { token });
		expect(await before.outcome).toBe('forbidden');
		before.destroy();

		await linkPatientAccount(db, { id: account.id, kind: 'patient' }, { code: (await createLinkCode(db, ctx, registered.patient.id)).code }, '127.0.0.1');
		const linked = connect(running.url, name, { token });
		expect(await linked.outcome).toBe('synced');
		expect(readProjection(linked.doc)).toMatchObject({ clinic: { name: home.name, code: home.code }, queue: null });
		linked.destroy();

		await unlinkPatientAccount(db, ctx, registered.patient.id);
		const after = connect(running.url, name, { token });
		expect(await after.outcome).toBe('forbidden');
		after.destroy();
	});

	it('closes a phone that has the live document open when the desk unlinks the record', async () => {
		const { db } = running.database;
		const home = await makeClinic(db);
		const desk = await makeMember(db, home.id, 'reception');
		const ctx = { clinicId: home.id, actor: { userId: desk.id, role: 'reception' as const } };
		const registered = await registerPatient(db, ctx, { name: 'Hamza Siddiqui', age: 33 }, { allowDuplicate: true });
		if (registered.status !== 'created') throw new Error('expected a new record');
		const account = await makeUser(db, { kind: 'patient' });
		await linkPatientAccount(db, { id: account.id, kind: 'patient' }, { code: (await createLinkCode(db, ctx, registered.patient.id)).code }, '127.0.0.1');
		const name = documentName.patientLive(registered.patient.id);
		const phone = connect(running.url, name, { token: await makeSession(db, account.id) });
		const staff = connect(running.url, name, { token: await makeSession(db, desk.id) });
		expect(await phone.outcome).toBe('synced');
		expect(await staff.outcome).toBe('synced');

		let staffClosed = false;
		void staff.closed.then(() => (staffClosed = true));
		await unlinkPatientAccount(db, ctx, registered.patient.id);
		expect((await phone.closed).code).toBe(SyncClose.forbidden.code);
		// Staff of the clinic keep their view of the record. Barrier: the server still takes their next message on it.
		const held = running.sync.hocuspocus.documents.get(name);
		if (!held) throw new Error('the server does not hold the document');
		await barrier(staff, held.awareness);
		expect(staffClosed).toBe(false);
		phone.destroy();
		staff.destroy();
	});
});
