import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDate } from '@internationalized/date';
import { eq } from 'drizzle-orm';
import { documentName, SyncClose } from '../../src/lib/sync/protocol';
import { syncDocument, syncUpdate } from '../../src/lib/server/db/schema';
import { ensureCollaborativeDocument, loadCollaborativeDocument } from '../../src/lib/server/sync/persistence';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { makeClinic, makeMember, makeSession } from '../factories';
import { connect, eventually, startSync, type Client, type RunningSync } from './harness';

/**
 * 20:00 UTC is already the next day in Karachi (UTC+5): the window is counted from the
 * clinic's today, 2026-12-07, not from UTC's.
 */
const now = new Date('2026-12-06T20:00:00Z');
const clinicToday = '2026-12-07';
const day = (offset: number) => parseDate(clinicToday).add({ days: offset }).toString();
const maxDocumentBytes = 64 * 1024;

let running: RunningSync;
let clinicId: string;
let token: string;
let member: { id: string; name: string };

beforeAll(async () => {
	running = await startSync({
		now: () => now,
		limits: { maxDocumentBytes, maxDocumentsPerPerson: 3, messagesPerSecond: 10_000, messageBurst: 10_000 }
	});
	const { db } = running.database;
	const clinic = await makeClinic(db, { timezone: 'Asia/Karachi' });
	clinicId = clinic.id;
	member = await makeMember(db, clinic.id, 'reception', { name: 'Nadia Reception' });
	token = await makeSession(db, member.id);
});
afterAll(() => running.close());

const notes = (doc: Y.Doc) => doc.getText('notes').toString();
const stored = (name: string) => running.database.db.select().from(syncDocument).where(eq(syncDocument.name, name));
const unloaded = (name: string) =>
	eventually(
		() => running.sync.hocuspocus.documents.has(name),
		(held) => !held
	);

async function opened(name: string, as = token): Promise<Client> {
	const client = connect(running.url, name, { token: as });
	expect(await client.outcome).toBe('synced');
	return client;
}

describe('the size of a collaborative document', () => {
	it('refuses an update that would pass the cap, closes its writer, and keeps the document as it was', async () => {
		const name = documentName.desk(clinicId, day(0));
		const writer = await opened(name);
		const colleague = await opened(name);
		writer.doc.getText('notes').insert(0, 'Token 7 is waiting. ');
		await eventually(
			() => notes(colleague.doc),
			(t) => t === 'Token 7 is waiting. '
		);

		writer.doc.getText('notes').insert(notes(writer.doc).length, 'x'.repeat(maxDocumentBytes));
		expect(await writer.closed).toMatchObject({ code: SyncClose.documentFull.code, reason: SyncClose.documentFull.reason });
		// A browser stops at this final code; the test's provider would try again, so it stops here.
		writer.destroy();

		// The barrier: an allowed change made after the refused one, seen by a newcomer.
		colleague.doc.getText('notes').insert(notes(colleague.doc).length, 'Token 8 too.');
		await eventually(
			() => colleague.provider.unsyncedChanges,
			(n) => n === 0
		);
		const newcomer = await opened(name);
		expect(notes(newcomer.doc)).toBe('Token 7 is waiting. Token 8 too.');
		expect(notes(colleague.doc)).toBe('Token 7 is waiting. Token 8 too.');

		// Nothing of the refused update reached the log or the snapshot.
		await running.sync.flush();
		const fromStore = new Y.Doc();
		Y.applyUpdate(fromStore, (await loadCollaborativeDocument(running.database.db, name)).state!);
		expect(notes(fromStore)).toBe('Token 7 is waiting. Token 8 too.');
		const logged = await running.database.db.select().from(syncUpdate).where(eq(syncUpdate.documentName, name));
		expect(logged.every((row) => row.data.length < maxDocumentBytes)).toBe(true);
		for (const client of [colleague, newcomer]) client.destroy();
	});

	it('accepts many small edits whose updates add up to more than the cap while the document stays under it', async () => {
		// A server with a small cap, so a thousand keystrokes add up to more than twice it.
		const small = await startSync({
			database: running.database,
			now: () => now,
			limits: { maxDocumentBytes: 8 * 1024, messagesPerSecond: 10_000, messageBurst: 10_000 }
		});
		try {
			const name = documentName.desk(clinicId, day(1));
			const writer = connect(small.url, name, { token });
			expect(await writer.outcome).toBe('synced');
			let closed = false;
			void writer.closed.then(() => (closed = true));
			// Each keystroke is its own update of some 20 bytes; the document merges them into far
			// less. Typed in bursts, as a person types, each burst acknowledged before the next.
			let sent = 0;
			writer.doc.on('update', (update: Uint8Array) => (sent += update.length));
			const keystrokes = 1000;
			for (let i = 0; i < keystrokes; i++) {
				writer.doc.getText('notes').insert(i, 'a');
				if (i % 50 === 49)
					await eventually(
						() => writer.provider.unsyncedChanges,
						(n) => n === 0,
						15_000
					);
			}
			expect(sent).toBeGreaterThan(2 * 8 * 1024);
			const reader = connect(small.url, name, { token });
			expect(await reader.outcome).toBe('synced');
			expect(notes(reader.doc)).toBe('a'.repeat(keystrokes));
			expect(closed).toBe(false);
			writer.destroy();
			reader.destroy();
		} finally {
			await small.close();
		}
	});

	it('opens a document stored above the cap for reading, and refuses any growth of it', async () => {
		const { db } = running.database;
		const name = documentName.desk(clinicId, day(2));
		const big = new Y.Doc();
		big.getText('notes').insert(0, 'y'.repeat(maxDocumentBytes + 1000));
		await ensureCollaborativeDocument(db, name, clinicId);
		await db
			.update(syncDocument)
			.set({ snapshot: Y.encodeStateAsUpdate(big) })
			.where(eq(syncDocument.name, name));
		const writer = await opened(name);
		expect(notes(writer.doc)).toHaveLength(maxDocumentBytes + 1000);
		writer.doc.getText('notes').insert(0, 'one more line');
		expect((await writer.closed).code).toBe(SyncClose.documentFull.code);
		writer.destroy();
		const reader = await opened(name);
		expect(notes(reader.doc)).toBe('y'.repeat(maxDocumentBytes + 1000));
		reader.destroy();
	});
});

describe('the days a desk document may be created for', () => {
	it('refuses to create one outside the window around the clinic’s today, and creates none', async () => {
		for (const offset of [-8, 61, 4000]) {
			const name = documentName.desk(clinicId, day(offset));
			const client = connect(running.url, name, { token });
			expect(await client.outcome).toBe(SyncClose.unknownDocument.reason);
			expect((await client.closed).code).toBe(SyncClose.unknownDocument.code);
			expect(await stored(name)).toHaveLength(0);
			client.destroy();
		}
	});

	it('opens the window’s first and last days, a future day’s calendar, and an existing desk document of an older day', async () => {
		const { db } = running.database;
		const older = documentName.desk(clinicId, day(-30));
		await ensureCollaborativeDocument(db, older, clinicId);
		for (const name of [documentName.desk(clinicId, day(-7)), documentName.desk(clinicId, day(60)), documentName.calendar(clinicId, day(400)), older]) {
			const client = await opened(name);
			client.destroy();
			await unloaded(name);
		}
	});
});

describe('documents one person holds open', () => {
	it('counts distinct documents across all the person’s connections, not tabs, and frees them when they leave', async () => {
		const { db } = running.database;
		const person = await makeMember(db, clinicId, 'admin');
		const personToken = await makeSession(db, person.id);
		const [staff, calendar, queue, waitlist] = [
			documentName.staff(clinicId),
			documentName.calendar(clinicId, day(0)),
			documentName.queue(clinicId, day(0)),
			documentName.waitlist(clinicId)
		];
		// Three tabs, three documents, then a second tab on a document already held.
		const tabs = [await opened(staff, personToken), await opened(calendar, personToken), await opened(queue, personToken), await opened(staff, personToken)];
		const refused = connect(running.url, waitlist, { token: personToken });
		expect(await refused.outcome).toBe(SyncClose.tooManyDocuments.reason);
		expect((await refused.closed).code).toBe(SyncClose.tooManyDocuments.code);
		refused.destroy();

		// Someone else is not affected by this person's documents.
		const colleague = await opened(waitlist);
		colleague.destroy();

		// Closing the only tab of one document frees its place; closing one of two tabs of another does not.
		tabs[3].destroy();
		const stillFull = connect(running.url, waitlist, { token: personToken });
		expect(await stillFull.outcome).toBe(SyncClose.tooManyDocuments.reason);
		stillFull.destroy();
		tabs[2].destroy();
		const actor = { kind: 'user', userId: person.id, name: person.name, userKind: 'staff', mustChangePassword: false, twoFactorEnabled: false } as const;
		await eventually(
			() => running.sync.budget.heldCount(actor),
			(n) => n === 2
		);
		const fourth = await opened(waitlist, personToken);

		for (const client of [tabs[0], tabs[1], fourth]) client.destroy();
		await eventually(
			() => running.sync.budget.heldCount(actor),
			(n) => n === 0
		);
	});
});

describe('presence', () => {
	it('shows the name the server knows for the user, not the one the client sends', async () => {
		const name = documentName.staff(clinicId);
		const client = await opened(name);
		client.provider.setAwarenessField('user', { id: member.id, name: 'Dr. Somebody Famous', color: '#123456' });
		const watcher = await opened(name);
		const namesSeen = () => [...watcher.provider.awareness!.getStates().values()].map((s) => s.user?.name);
		await eventually(namesSeen, (names) => names.includes('Nadia Reception'));
		// A later change of the same state (a new colour) as a barrier: still the known name.
		client.provider.setAwarenessField('user', { id: member.id, name: 'Dr. Somebody Famous', color: '#654321' });
		await eventually(
			() => [...watcher.provider.awareness!.getStates().values()].map((s) => s.user?.color),
			(colors) => colors.includes('#654321')
		);
		expect(namesSeen()).not.toContain('Dr. Somebody Famous');
		expect(client.provider.isAuthenticated).toBe(true);
		client.destroy();
		watcher.destroy();
	});
});

describe('bytes sent for a document not admitted', () => {
	it('closes a connection that keeps sending updates for a document it never authenticated', async () => {
		const name = documentName.desk(clinicId, day(3));
		const source = new Y.Doc();
		source.getText('notes').insert(0, 'z'.repeat(500_000));
		const e = encoding.createEncoder();
		encoding.writeVarString(e, name);
		encoding.writeVarUint(e, 0);
		encoding.writeVarUint(e, 2);
		encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(source));
		const update = encoding.toUint8Array(e);

		const ws = new WebSocket(running.url);
		ws.on('error', () => {});
		await new Promise((resolve) => ws.once('open', resolve));
		const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
		// Never authenticated, these would wait in the server's memory for as long as the connection lasts.
		for (let i = 0; i < 10; i++) ws.send(update);
		expect(await closed).toBe(SyncClose.rateLimited.code);
		expect(await stored(name)).toHaveLength(0);
	});
});
