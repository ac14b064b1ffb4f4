import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { documentName } from '../../src/lib/sync/protocol';
import { readProjection } from '../../src/lib/server/sync/projection';
import { staffContract } from '../../src/lib/sync/contracts/staff';
import { readContent } from '../../src/lib/sync/contracts/reading';
import { setStaffDuty } from '../../src/lib/server/tenancy/setStaffDuty';
import { addDays, clinicToday } from '../../src/lib/time';
import { staffDuty } from '../../src/lib/server/db/schema';
import { makeClinic, makeMember, makeSession, middayTimeZone } from '../factories';
import { barrier, connect, eventually, startSync, type RunningSync } from './harness';

let running: RunningSync;
beforeAll(async () => {
	running = await startSync();
});
afterAll(() => running.close());

type StaffEntry = { userId: string; name: string; role: string; onDuty: boolean };
const staffOf = (doc: import('yjs').Doc) => (readProjection(doc).staff ?? []) as StaffEntry[];

describe('the clinic staff projection', () => {
	it('loads from Postgres and shows a duty change to every open client after the command commits', async () => {
		const { db } = running.database;
		const clinic = await makeClinic(db, { timezone: middayTimeZone() });
		const admin = await makeMember(db, clinic.id, 'admin', { name: 'Amina Admin' });
		const doctor = await makeMember(db, clinic.id, 'doctor', { name: 'Bilal Doctor' });
		const name = documentName.staff(clinic.id);
		const a = connect(running.url, name, { token: await makeSession(db, admin.id) });
		const b = connect(running.url, name, { token: await makeSession(db, doctor.id) });
		expect(await a.outcome).toBe('synced');
		expect(await b.outcome).toBe('synced');
		expect(staffOf(b.doc).map((s) => [s.name, s.role, s.onDuty])).toEqual([
			['Amina Admin', 'admin', false],
			['Bilal Doctor', 'doctor', false]
		]);

		const ctx = { clinicId: clinic.id, actor: { userId: admin.id, role: 'admin' as const } };
		await setStaffDuty(db, ctx, { userId: doctor.id, day: clinicToday(clinic.timezone), onDuty: true });

		const seen = await eventually(
			() => staffOf(b.doc).find((s) => s.userId === doctor.id)?.onDuty,
			(v) => v === true
		);
		expect(seen).toBe(true);
		expect(staffOf(a.doc).find((s) => s.userId === doctor.id)?.onDuty).toBe(true);
		// What the screen reads is what the contract promises.
		expect(readContent(staffContract, readProjection(a.doc)).state).toBe('ok');
		a.destroy();
		b.destroy();
	});

	it('drops a client write to a projection: it never reaches Postgres, the server copy or another client', async () => {
		const { db } = running.database;
		const clinic = await makeClinic(db, { timezone: middayTimeZone() });
		const admin = await makeMember(db, clinic.id, 'admin');
		const other = await makeMember(db, clinic.id, 'reception');
		const name = documentName.staff(clinic.id);
		const writer = connect(running.url, name, { token: await makeSession(db, admin.id) });
		const watcher = connect(running.url, name, { token: await makeSession(db, other.id) });
		await writer.outcome;
		await watcher.outcome;

		writer.doc.getMap('projection').set('staff', [{ userId: admin.id, name: 'Forged', role: 'admin', onDuty: true }]);
		writer.doc.getMap('projection').set('injected', 'yes');
		// The forged writes went first on the writer's socket: once its next message reaches the watcher, the server has handled them.
		await barrier(writer, watcher.provider.awareness!);

		expect(readProjection(watcher.doc).injected).toBeUndefined();
		expect(staffOf(watcher.doc).some((s) => s.name === 'Forged')).toBe(false);
		const held = running.sync.hocuspocus.documents.get(name);
		expect(held && readProjection(held).injected).toBeUndefined();
		expect(await db.select().from(staffDuty).where(eq(staffDuty.clinicId, clinic.id))).toEqual([]);
		writer.destroy();
		watcher.destroy();
	});

	it('moves to the next day at the clinic’s midnight without any change being published', async () => {
		const { db } = running.database;
		const clinic = await makeClinic(db, { timezone: middayTimeZone() });
		const admin = await makeMember(db, clinic.id, 'admin');
		const doctor = await makeMember(db, clinic.id, 'doctor');
		const name = documentName.staff(clinic.id);
		const client = connect(running.url, name, { token: await makeSession(db, admin.id) });
		expect(await client.outcome).toBe('synced');
		const today = clinicToday(clinic.timezone);
		const tomorrow = addDays(today, 1);
		await db.insert(staffDuty).values({ clinicId: clinic.id, userId: doctor.id, day: tomorrow, onDuty: true });
		expect(readProjection(client.doc).day).toBe(today);

		vi.useFakeTimers({ toFake: ['Date'] });
		try {
			vi.setSystemTime(Date.now() + 86_400_000);
			await running.sync.rollOverDay();
		} finally {
			vi.useRealTimers();
		}
		await eventually(
			() => readProjection(client.doc).day,
			(d) => d === tomorrow
		);
		expect(staffOf(client.doc).find((s) => s.userId === doctor.id)?.onDuty).toBe(true);
		client.destroy();
	});
});
