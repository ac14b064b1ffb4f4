import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentName, SyncClose } from '../../src/lib/sync/protocol';
import { readProjection } from '../../src/lib/server/sync/projection';
import { addMember, setMemberStatus } from '../../src/lib/server/tenancy/members';
import { clinicToday } from '../../src/lib/time';
import { makeClinic, makeMember, makeSession, middayTimeZone, rand } from '../factories';
import { barrier, connect, eventually, startSync, type RunningSync } from './harness';

let running: RunningSync;
beforeAll(async () => {
	running = await startSync();
});
afterAll(() => running.close());

const namesIn = (value: unknown) => JSON.stringify(value ?? null);

describe('a change that many of a clinic’s documents show', () => {
	it('reaches every open document of the clinic when a doctor joins, whatever its day', async () => {
		const { db } = running.database;
		// Noon there, so "today" names the same queue document from start to end.
		const clinic = await makeClinic(db, { timezone: middayTimeZone() });
		const admin = await makeMember(db, clinic.id, 'admin');
		const token = await makeSession(db, admin.id);
		const today = clinicToday(clinic.timezone);
		const staff = connect(running.url, documentName.staff(clinic.id), { token });
		const queue = connect(running.url, documentName.queue(clinic.id, today), { token });
		const calendar = connect(running.url, documentName.calendar(clinic.id, '2031-03-04'), { token });
		for (const client of [staff, queue, calendar]) expect(await client.outcome).toBe('synced');

		const name = `Dr Newcomer ${rand(3)}`;
		const ctx = { clinicId: clinic.id, actor: { userId: admin.id, role: 'admin' as const } };
		await addMember(db, ctx, { name, email: `new-${rand(4)}@clinic.test`, role: 'doctor', password: 'a long password 1' });

		await eventually(
			() => namesIn(readProjection(staff.doc).staff),
			(s) => s.includes(name)
		);
		await eventually(
			() => namesIn(readProjection(queue.doc).doctors),
			(s) => s.includes(name)
		);
		await eventually(
			() => namesIn(readProjection(calendar.doc).doctors),
			(s) => s.includes(name)
		);
		for (const client of [staff, queue, calendar]) client.destroy();
	});

	it('closes the open documents of a member who is suspended, and only theirs', async () => {
		const { db } = running.database;
		const clinic = await makeClinic(db, { timezone: middayTimeZone() });
		const admin = await makeMember(db, clinic.id, 'admin');
		const desk = await makeMember(db, clinic.id, 'reception');
		const today = clinicToday(clinic.timezone);
		const deskQueue = connect(running.url, documentName.queue(clinic.id, today), { token: await makeSession(db, desk.id) });
		const deskNotes = connect(running.url, documentName.desk(clinic.id, today), { token: await makeSession(db, desk.id) });
		const adminQueue = connect(running.url, documentName.queue(clinic.id, today), { token: await makeSession(db, admin.id) });
		for (const client of [deskQueue, deskNotes, adminQueue]) expect(await client.outcome).toBe('synced');

		let adminClosed = false;
		void adminQueue.closed.then(() => (adminClosed = true));
		await setMemberStatus(db, { clinicId: clinic.id, actor: { userId: admin.id, role: 'admin' } }, desk.id, 'suspended');
		expect((await deskQueue.closed).code).toBe(SyncClose.forbidden.code);
		expect((await deskNotes.closed).code).toBe(SyncClose.forbidden.code);
		// Barrier: the server still takes the admin's next message on that document, so it was not closed.
		const held = running.sync.hocuspocus.documents.get(documentName.queue(clinic.id, today));
		if (!held) throw new Error('the server does not hold the queue');
		await barrier(adminQueue, held.awareness);
		expect(adminClosed).toBe(false);
		for (const client of [deskQueue, deskNotes, adminQueue]) client.destroy();
	});
});
