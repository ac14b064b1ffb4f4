import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { documentName, SyncClose } from '../../src/lib/sync/protocol';
import { readProjection } from '../../src/lib/server/sync/projection';
import { publishChanges } from '../../src/lib/server/sync/publish';
import { appUser } from '../../src/lib/server/db/schema';
import { eq } from 'drizzle-orm';
import { makeClinic, makeMember, makeSession } from '../factories';
import { connect, eventually, startSync, type RunningSync } from './harness';

let running: RunningSync;
let clinicId: string;
let token: string;

beforeAll(async () => {
	running = await startSync({
		limits: { maxMessageBytes: 64 * 1024, messagesPerSecond: 20, messageBurst: 40, authenticationTimeoutMs: 400, maxDocumentsPerConnection: 3 }
	});
	const { db } = running.database;
	const clinic = await makeClinic(db);
	clinicId = clinic.id;
	token = await makeSession(db, (await makeMember(db, clinic.id, 'admin')).id);
});
afterAll(() => running.close());

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
	const e = encoding.createEncoder();
	write(e);
	return encoding.toUint8Array(e);
}
const authFrame = (name: string) =>
	frame((e) => {
		encoding.writeVarString(e, name);
		encoding.writeVarUint(e, 2);
		encoding.writeVarUint(e, 0);
		encoding.writeVarString(e, token);
	});

/** A raw socket; resolves with the close code the server chose. */
async function rawSession(send: (ws: WebSocket) => void): Promise<number> {
	const ws = new WebSocket(running.url);
	await new Promise((resolve, reject) => {
		ws.once('open', resolve);
		ws.once('error', reject);
	});
	const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
	ws.on('error', () => {});
	send(ws);
	return closed;
}

describe('limits and bad input', () => {
	it('closes each bad connection with its own code while a healthy client keeps working', async () => {
		const name = documentName.staff(clinicId);
		const healthy = connect(running.url, name, { token });
		expect(await healthy.outcome).toBe('synced');

		expect(await rawSession((ws) => ws.send(new Uint8Array(70 * 1024)))).toBe(SyncClose.messageTooBig.code);
		expect(await rawSession((ws) => ws.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])))).toBe(
			SyncClose.malformedMessage.code
		);
		expect(await rawSession((ws) => ws.send('hello', { binary: false }))).toBe(SyncClose.malformedMessage.code);
		const unknownType = frame((e) => {
			encoding.writeVarString(e, name);
			encoding.writeVarUint(e, 99);
		});
		expect(await rawSession((ws) => ws.send(unknownType))).toBe(SyncClose.malformedMessage.code);
		const badUpdate = frame((e) => {
			encoding.writeVarString(e, name);
			encoding.writeVarUint(e, 0);
			encoding.writeVarUint(e, 2);
			encoding.writeVarUint8Array(e, new Uint8Array([9, 200, 1, 7, 7, 7]));
		});
		expect(
			await rawSession((ws) => {
				ws.send(authFrame(name));
				ws.send(badUpdate);
			})
		).toBe(SyncClose.malformedMessage.code);
		expect(await rawSession((ws) => ws.send(authFrame('clinic/nope/staff')))).toBe(SyncClose.unknownDocument.code);
		expect(await rawSession(() => {})).toBe(SyncClose.authenticationTimeout.code);
		expect(
			await rawSession((ws) => {
				ws.send(authFrame(name));
				const query = frame((e) => {
					encoding.writeVarString(e, name);
					encoding.writeVarUint(e, 3);
				});
				for (let i = 0; i < 100; i++) ws.send(query);
			})
		).toBe(SyncClose.rateLimited.code);
		expect(
			await rawSession((ws) => {
				for (const day of ['2025-01-01', '2025-01-02', '2025-01-03', '2025-01-04']) ws.send(authFrame(documentName.queue(clinicId, day)));
			})
		).toBe(SyncClose.tooManyDocuments.code);

		// The healthy client is still connected and still receives changes.
		const { db } = running.database;
		const [first] = (readProjection(healthy.doc).staff ?? []) as { userId: string }[];
		await db.update(appUser).set({ name: 'Renamed Person' }).where(eq(appUser.id, first.userId));
		await publishChanges([name]);
		await eventually(
			() => JSON.stringify(readProjection(healthy.doc).staff),
			(s) => s.includes('Renamed Person')
		);
		healthy.destroy();
	});

	it('shares presence that carries the signed-in user', async () => {
		const { db } = running.database;
		const member = await makeMember(db, clinicId, 'doctor', { name: 'Present Person' });
		const name = documentName.staff(clinicId);
		const client = connect(running.url, name, { token: await makeSession(db, member.id) });
		await client.outcome;
		client.provider.setAwarenessField('user', { id: member.id, name: 'Present Person', color: 'hsl(120 65% 42%)' });
		const admin = await makeMember(db, clinicId, 'admin', { name: 'Watching Admin' });
		const watcher = connect(running.url, name, { token: await makeSession(db, admin.id) });
		await watcher.outcome;
		// The watcher publishes its own presence too; providers echo each other's states back.
		watcher.provider.setAwarenessField('user', { id: admin.id, name: 'Watching Admin', color: '#123456' });
		const namesSeenBy = (c: typeof client) => [...c.provider.awareness!.getStates().values()].map((s) => s.user?.name);
		await eventually(
			() => namesSeenBy(watcher),
			(names) => names.includes('Present Person')
		);
		await eventually(
			() => namesSeenBy(client),
			(names) => names.includes('Watching Admin')
		);
		await new Promise((r) => setTimeout(r, 300));
		expect(client.provider.isAuthenticated && watcher.provider.isAuthenticated).toBe(true);
		expect(namesSeenBy(watcher)).toContain('Present Person');
		client.destroy();
		watcher.destroy();
	});

	it('refuses presence that claims to be someone else', async () => {
		const name = documentName.staff(clinicId);
		const client = connect(running.url, name, { token });
		await client.outcome;
		client.provider.setAwarenessField('user', { id: '00000000-0000-4000-8000-000000000000', name: 'Someone Else', color: '#000' });
		const watcher = connect(running.url, name, { token });
		await watcher.outcome;
		await new Promise((r) => setTimeout(r, 300));
		const names = [...watcher.provider.awareness!.getStates().values()].map((s) => s.user?.name);
		expect(names).not.toContain('Someone Else');
		client.destroy();
		watcher.destroy();
	});
});
