import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { documentName } from '../../src/lib/sync/protocol';
import { syncDocument, syncUpdate } from '../../src/lib/server/db/schema';
import {
	appendDocumentUpdates,
	compactCollaborativeDocument,
	ensureCollaborativeDocument,
	loadCollaborativeDocument
} from '../../src/lib/server/sync/persistence';
import { makeClinic, makeMember, makeSession } from '../factories';
import { barrier, connect, dayFromToday, eventually, startSync, type RunningSync } from './harness';

let running: RunningSync;
let failCompaction = false;
/** Names whose compaction was attempted while failing, in order. */
const failedCompactions: string[] = [];
let clinicId: string;
let token: string;

beforeAll(async () => {
	running = await startSync({
		compaction: {
			debounceMs: 50,
			maxDebounceMs: 200,
			compact: async (db, name) => {
				if (failCompaction) {
					failedCompactions.push(name);
					throw new Error('database unavailable (simulated)');
				}
				return compactCollaborativeDocument(db, name);
			}
		}
	});
	const { db } = running.database;
	const clinic = await makeClinic(db);
	clinicId = clinic.id;
	token = await makeSession(db, (await makeMember(db, clinic.id, 'reception')).id);
});
afterAll(() => running.close());

const text = (doc: Y.Doc) => doc.getText('notes').toString();
const logRows = (name: string) => running.database.db.select().from(syncUpdate).where(eq(syncUpdate.documentName, name));
const unloaded = (name: string) =>
	eventually(
		() => running.sync.hocuspocus.documents.has(name),
		(held) => !held
	);

describe('collaborative persistence', () => {
	it('has an update in the log by the time another client sees it', async () => {
		const name = documentName.desk(clinicId, dayFromToday(1));
		const writer = connect(running.url, name, { token });
		const reader = connect(running.url, name, { token });
		await writer.outcome;
		await reader.outcome;
		let logged: number | null = null;
		reader.doc.getText('notes').observe(() => {
			// Read the log the moment the broadcast arrives.
			if (logged === null) void logRows(name).then((rows) => (logged = rows.length));
		});
		writer.doc.getText('notes').insert(0, 'Mr Khan waiting for X-ray');
		await eventually(
			() => text(reader.doc),
			(t) => t === 'Mr Khan waiting for X-ray'
		);
		await eventually(
			() => logged,
			(n) => n !== null
		);
		expect(logged).toBeGreaterThan(0);
		writer.destroy();
		reader.destroy();
	});

	it('compacts the log into a snapshot when the last client leaves, and loads it back', async () => {
		const name = documentName.desk(clinicId, dayFromToday(2));
		const writer = connect(running.url, name, { token });
		await writer.outcome;
		for (const word of ['one ', 'two ', 'three']) writer.doc.getText('notes').insert(text(writer.doc).length, word);
		await eventually(
			() => writer.provider.unsyncedChanges,
			(n) => n === 0
		);
		writer.destroy();
		// Hocuspocus unloads only after the store on unload has finished.
		await unloaded(name);
		const [stored] = await running.database.db.select().from(syncDocument).where(eq(syncDocument.name, name));
		expect(await logRows(name)).toHaveLength(0);
		expect(stored.snapshot?.length).toBeGreaterThan(0);
		const again = connect(running.url, name, { token });
		await again.outcome;
		expect(text(again.doc)).toBe('one two three');
		again.destroy();
	});

	it('keeps every update when compaction fails, in memory and in the log', async () => {
		const name = documentName.desk(clinicId, dayFromToday(3));
		failCompaction = true;
		try {
			const writer = connect(running.url, name, { token });
			await writer.outcome;
			writer.doc.getText('notes').insert(0, 'kept despite a failed store');
			await eventually(
				() => writer.provider.unsyncedChanges,
				(n) => n === 0
			);
			// The debounced store has run and failed, not merely been scheduled.
			await eventually(
				() => failedCompactions.includes(name),
				(tried) => tried
			);
			const late = connect(running.url, name, { token });
			await late.outcome;
			expect(text(late.doc)).toBe('kept despite a failed store');
			writer.destroy();
			late.destroy();
			await unloaded(name);
			expect((await logRows(name)).length).toBeGreaterThan(0);
		} finally {
			failCompaction = false;
		}
		const reopened = connect(running.url, name, { token });
		await reopened.outcome;
		expect(text(reopened.doc)).toBe('kept despite a failed store');
		reopened.destroy();
	});

	it('never lets a compaction replace newer content with older', async () => {
		const { db } = running.database;
		const name = documentName.desk(clinicId, dayFromToday(4));
		await ensureCollaborativeDocument(db, name, clinicId);
		const source = new Y.Doc();
		const updates: Uint8Array[] = [];
		source.on('update', (u: Uint8Array) => updates.push(u));
		source.getText('notes').insert(0, 'a');
		await appendDocumentUpdates(db, [{ documentName: name, data: updates[0] }]);
		source.getText('notes').insert(1, 'b');
		const racing = Promise.all([
			compactCollaborativeDocument(db, name),
			appendDocumentUpdates(db, [{ documentName: name, data: updates[1] }]),
			compactCollaborativeDocument(db, name)
		]);
		await racing;
		source.getText('notes').insert(2, 'c');
		await appendDocumentUpdates(db, [{ documentName: name, data: updates[2] }]);
		await compactCollaborativeDocument(db, name);
		const loaded = new Y.Doc();
		const stored = await loadCollaborativeDocument(db, name);
		Y.applyUpdate(loaded, stored.state!);
		expect(loaded.getText('notes').toString()).toBe('abc');
		expect(await compactCollaborativeDocument(db, name)).toEqual({ folded: 0, skipped: 0 });
	});

	it('gives a reader of a collaborative document no way to write it', async () => {
		const { db } = running.database;
		const name = documentName.desk(clinicId, dayFromToday(5));
		const { closeCollaborativeDocument } = await import('../../src/lib/server/sync/persistence');
		await db.transaction((tx) => closeCollaborativeDocument(tx, name, clinicId));
		const client = connect(running.url, name, { token });
		expect(await client.outcome).toBe('synced');
		expect(client.provider.authorizedScope).toBe('readonly');
		client.doc.getText('notes').insert(0, 'too late');
		// The write went first on the reader's socket: once the server holds its next message, it has handled (dropped) the write.
		const held = running.sync.hocuspocus.documents.get(name);
		if (!held) throw new Error('the server does not hold the document');
		await barrier(client, held.awareness);
		expect(text(held)).toBe('');
		expect((await logRows(name)).length).toBe(0);
		client.destroy();
	});
});
