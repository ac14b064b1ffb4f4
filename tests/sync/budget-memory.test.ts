import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { documentName } from '../../src/lib/sync/protocol';
import { makeClinic, makeMember, makeSession } from '../factories';
import { connect, dayFromToday, eventually, startSync, type RunningSync } from './harness';

// A real collection before each measurement, so what is counted is what is still reachable.
setFlagsFromString('--expose-gc');
const collectGarbage: () => void = runInNewContext('gc');

/** Heap and buffer memory in MB after a full collection (ArrayBuffers hold the bytes queued on sockets). */
async function memoryAfterGc(): Promise<{ heapUsed: number; arrayBuffers: number }> {
	for (let i = 0; i < 3; i++) {
		collectGarbage();
		await new Promise((r) => setImmediate(r));
	}
	const { heapUsed, arrayBuffers } = process.memoryUsage();
	return { heapUsed: heapUsed / 2 ** 20, arrayBuffers: arrayBuffers / 2 ** 20 };
}

const maxBufferedBytes = 1024 * 1024;
const noteLength = 1_200_000;
let running: RunningSync;
let token: string;
let name: string;

beforeAll(async () => {
	running = await startSync({ limits: { maxBufferedBytes } });
	const { db } = running.database;
	const clinic = await makeClinic(db);
	token = await makeSession(db, (await makeMember(db, clinic.id, 'reception')).id);
	// A desk document of some 1.2 MB, written once and unloaded again.
	name = documentName.desk(clinic.id, dayFromToday(0));
	const writer = connect(running.url, name, { token });
	expect(await writer.outcome).toBe('synced');
	writer.doc.getText('notes').insert(0, 'n'.repeat(noteLength));
	await eventually(
		() => writer.provider.unsyncedChanges,
		(n) => n === 0,
		15_000
	);
	writer.destroy();
	await eventually(
		() => running.sync.hocuspocus.documents.has(name),
		(held) => !held,
		15_000
	);
});
afterAll(() => running.close());

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarString(e, name);
	write(e);
	return encoding.toUint8Array(e);
}
const authFrame = () =>
	frame((e) => {
		encoding.writeVarUint(e, 2);
		encoding.writeVarUint(e, 0);
		encoding.writeVarString(e, token);
	});
/** "Send me everything": sync step 1 with an empty state vector; the answer is the whole document. */
const askForEverything = () =>
	frame((e) => {
		encoding.writeVarUint(e, 0);
		encoding.writeVarUint(e, 0);
		encoding.writeVarUint8Array(e, new Uint8Array([0]));
	});

describe('bytes queued for a client', () => {
	it('cuts off a client that asks for the whole document again and again without reading, and the memory returns', async () => {
		// A colleague keeps the document open throughout, so it is loaded in both measurements.
		const colleague = connect(running.url, name, { token });
		expect(await colleague.outcome).toBe('synced');
		await eventually(
			() => running.sync.openConnections(),
			(n) => n === 1
		);
		const before = await memoryAfterGc();

		const ws = new WebSocket(running.url);
		ws.on('error', () => {});
		await new Promise((resolve) => ws.once('open', resolve));
		expect(running.sync.openConnections()).toBe(2);
		// It never reads again: every answer stays queued on the server's side of the socket.
		ws.pause();
		ws.send(authFrame());
		for (let i = 0; i < 100; i++) ws.send(askForEverything());

		// Unread, 100 answers of 1.2 MB would hold some 120 MB; the server cuts the client off.
		await eventually(
			() => running.sync.openConnections(),
			(n) => n === 1,
			15_000
		);
		ws.terminate();
		const after = await memoryAfterGc();
		expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(30);
		expect(after.heapUsed - before.heapUsed).toBeLessThan(30);

		// The colleague was not affected.
		colleague.doc.getText('notes').insert(0, 'Still here. ');
		await eventually(
			() => colleague.provider.unsyncedChanges,
			(n) => n === 0
		);
		expect(colleague.provider.isAuthenticated).toBe(true);
		colleague.destroy();
		await eventually(
			() => running.sync.hocuspocus.documents.has(name),
			(held) => !held,
			15_000
		);
	});

	it('keeps a client that reads, even when one message is larger than the limit', async () => {
		const reader = connect(running.url, name, { token });
		expect(await reader.outcome).toBe('synced');
		expect(reader.doc.getText('notes').length).toBe(noteLength + 'Still here. '.length);
		const writer = connect(running.url, name, { token });
		expect(await writer.outcome).toBe('synced');
		writer.doc.getText('notes').insert(0, 'Token 3 is next. ');
		await eventually(
			() => reader.doc.getText('notes').toString().slice(0, 17),
			(t) => t === 'Token 3 is next. '
		);
		expect(reader.provider.isAuthenticated).toBe(true);
		reader.destroy();
		writer.destroy();
	});
});
