import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { documentName } from '../../src/lib/sync/protocol';
import { CHART_COMPLETED_MESSAGE, CHART_COMPLETED_REASON, CHART_MAP, CHART_RECORD_CHANGED_MESSAGE } from '../../src/lib/sync/contracts/chart';
import { visit, visitObservation, visitRecord } from '../../src/lib/server/db/schema';
import { completeVisit } from '../../src/lib/server/visits/completeVisit';
import { writeChart } from '../../src/lib/server/visits/writeChart';
import { addAddendum } from '../../src/lib/server/visits/addAddendum';
import { readChart } from '../../src/lib/server/visits/snapshot';
import { storedSnapshot } from '../../src/lib/server/visits/queries';
import { appendDocumentUpdates } from '../../src/lib/server/sync/persistence';
import { makeClinic, makeMember, makeSession } from '../factories';
import { ctxOf, key, makePatient } from '../integration/queueScene';
import { connect, eventually, startSync, type Client, type RunningSync } from './harness';

let running: RunningSync;
let clinicId: string;
let doctorId: string;
const sessions: string[] = [];
const nurseIds: string[] = [];
/** Another doctor of the clinic: reads the chart, and keeps it loaded on the server when every writer is refused. */
let readerSession: string;

beforeAll(async () => {
	running = await startSync();
	const { db } = running.database;
	const clinic = await makeClinic(db);
	clinicId = clinic.id;
	const doctor = await makeMember(db, clinicId, 'doctor');
	doctorId = doctor.id;
	sessions.push(await makeSession(db, doctor.id));
	readerSession = await makeSession(db, (await makeMember(db, clinicId, 'doctor')).id);
	for (let i = 0; i < 3; i++) {
		const nurse = await makeMember(db, clinicId, 'nurse');
		nurseIds.push(nurse.id);
		sessions.push(await makeSession(db, nurse.id));
	}
});
afterAll(() => running.close());

async function openVisit(): Promise<string> {
	const { db } = running.database;
	const patient = await makePatient(db, clinicId);
	const [row] = await db
		.insert(visit)
		.values({ clinicId, refNo: Math.floor(Math.random() * 1e6), patientId: patient.id, doctorId })
		.returning();
	return row.id;
}

/** An editor typing into one section of the chart, as the Tiptap editor lays it out (a paragraph of text). */
type Editor = { client: Client; section: string; text: Y.XmlText; acked: string; told: string[]; ready: Promise<void> };

function editor(name: string, token: string, section: string): Editor {
	const client = connect(running.url, name, { token });
	const told: string[] = [];
	const paragraph = new Y.XmlElement('paragraph');
	const text = new Y.XmlText();
	const e: Editor = { client, section, text, acked: '', told, ready: Promise.resolve() };
	client.provider.on('stateless', ({ payload }: { payload: string }) => told.push(payload));
	client.provider.on('close', ({ event }: { event: { reason: string } }) => told.push(`close:${event.reason}`));
	// The server acknowledges each update in order (once it is applied, so logged): the text as
	// each local update left it, shifted off as its acknowledgement arrives, is what the server has.
	const sent: string[] = [];
	let outstanding = 0;
	client.doc.on('update', (_update: Uint8Array, origin: unknown) => {
		if (origin !== client.provider) sent.push(text.toString());
	});
	client.provider.on('unsyncedChanges', ({ number }: { number: number }) => {
		// Once told, the provider may start a new sync, which resets the count: that is no acknowledgement.
		if (told.length > 0) return;
		// One less is one acknowledgement; a bigger drop is the provider starting a new sync (a reset, not acknowledgements).
		if (number === outstanding - 1 && sent.length > 0) e.acked = sent.shift() ?? e.acked;
		else if (number < outstanding) sent.length = 0;
		outstanding = number;
	});
	// Typing starts once the opening sync is acknowledged, so each acknowledgement after it is one of the editor's own updates.
	e.ready = client.outcome.then(async () => {
		await eventually(
			() => client.provider.unsyncedChanges,
			(n) => n === 0
		);
		client.doc.transact(() => {
			paragraph.insert(0, [text]);
			client.doc.getXmlFragment(section).insert(0, [paragraph]);
		});
	});
	return e;
}

const ctx = () => ctxOf(clinicId, doctorId, 'doctor');

describe('completing a visit while people are typing in its chart', () => {
	it('stores exactly the document every editor converges to; nothing acknowledged is missing, and late writers are told', async () => {
		const visitId = await openVisit();
		const name = documentName.chart(visitId);
		const editors = [
			editor(name, sessions[0], 'symptoms'),
			editor(name, sessions[1], 'observations'),
			editor(name, sessions[2], 'treatment'),
			editor(name, sessions[3], 'plan')
		];
		const reader = connect(running.url, name, { token: readerSession });
		expect(await Promise.all([...editors, { client: reader }].map((e) => e.client.outcome))).toEqual(['synced', 'synced', 'synced', 'synced', 'synced']);
		expect(reader.provider.authorizedScope).toBe('readonly');
		await Promise.all(editors.map((e) => e.ready));
		editors[0].client.doc.getArray(CHART_MAP.diagnoses).push([{ id: 'd1', code: 'J06.9', title: 'Acute URTI' }]);

		let typing = true;
		const typists = editors.map(async (e, who) => {
			for (let n = 0; typing; n++) {
				e.text.insert(e.text.length, `${who}.${n} `);
				await new Promise((r) => setTimeout(r, 2 + who));
			}
		});
		await eventually(
			() => editors.every((e) => e.acked.length > 20),
			(ok) => ok
		);
		const completed = await completeVisit(running.database.db, ctx(), visitId, { idempotencyKey: key() });
		// Keep typing past the instant of completion: these edits must be refused, never half-kept.
		await new Promise((r) => setTimeout(r, 300));
		typing = false;
		await Promise.all(typists);
		await eventually(
			() => editors.every((e) => e.told.some((t) => t === CHART_COMPLETED_MESSAGE || t === `close:${CHART_COMPLETED_REASON}`)),
			(ok) => ok
		);

		const stored = await storedSnapshot(running.database.db, visitId);
		expect(stored?.snapshot).toEqual(completed.snapshot);
		const [record] = await running.database.db.select().from(visitRecord).where(eq(visitRecord.visitId, visitId));
		const recorded = new Y.Doc();
		Y.applyUpdate(recorded, Buffer.from(record.chartState, 'base64'));
		const server = running.sync.hocuspocus.documents.get(name);
		expect(server).toBeDefined();
		// The server's document is the recorded one, exactly: no update got in after the snapshot.
		expect(Y.encodeStateVector(server!)).toEqual(Y.encodeStateVector(recorded));
		// A reader ends with exactly the recorded document too.
		await eventually(
			() => Y.encodeStateVector(reader.doc),
			(vector) => Buffer.from(vector).equals(Buffer.from(Y.encodeStateVector(recorded)))
		);
		expect(Y.encodeStateAsUpdate(reader.doc)).toEqual(Y.encodeStateAsUpdate(recorded));
		const { prescription: _none, ...fromRecord } = stored!.snapshot;
		const { prescription: _also, ...fromServer } = readChart(server!).snapshot;
		expect(fromServer).toEqual(fromRecord);
		const sections = {
			symptoms: fromRecord.notes.symptoms,
			observations: fromRecord.notes.observations,
			treatment: fromRecord.notes.treatment,
			plan: fromRecord.plan
		};
		for (const e of editors) {
			// Everything the server acknowledged to this editor is in the record.
			expect(
				sections[e.section as keyof typeof sections].startsWith(e.acked.trim()),
				`${e.section}: ${e.acked.slice(-30)} / ${sections[e.section as keyof typeof sections].slice(-30)} told ${e.told}`
			).toBe(true);
			expect(e.acked.length).toBeGreaterThan(0);
			// Whatever the editor holds beyond the record is its late text (kept by the screen as an addendum draft).
			expect(e.text.toString().startsWith(sections[e.section as keyof typeof sections])).toBe(true);
		}
		// Edits went on after completion and were not kept: the editors hold text the record does not.
		expect(editors.every((e) => e.text.toString().length > sections[e.section as keyof typeof sections].length)).toBe(true);
		for (const e of editors) e.client.destroy();
		reader.destroy();
	}, 60_000);

	it('sends a PATCH to the people editing, through the log, and stores the vitals with their units', async () => {
		const visitId = await openVisit();
		const name = documentName.chart(visitId);
		const nurse = connect(running.url, name, { token: sessions[1] });
		expect(await nurse.outcome).toBe('synced');
		await writeChart(running.database.db, ctx(), visitId, {
			vitals: { pulse: 72, weightKg: 80, heightCm: 180 },
			diagnoses: [{ code: 'I10', title: 'Hypertension' }]
		});
		await eventually(
			() => nurse.doc.getMap(CHART_MAP.vitals).get('pulse'),
			(pulse) => pulse === 72
		);
		await completeVisit(running.database.db, ctx(), visitId, { idempotencyKey: key() });
		// The log itself refuses an update to the closed chart (what a writer racing completion meets).
		const late = new Y.Doc();
		late.getMap(CHART_MAP.fields).set('complaint', 'too late');
		expect(await appendDocumentUpdates(running.database.db, [{ documentName: name, data: Y.encodeStateAsUpdate(late) }])).toEqual(new Set([name]));
		const observations = await running.database.db.select().from(visitObservation).where(eq(visitObservation.visitId, visitId));
		expect(Object.fromEntries(observations.map((o) => [o.kind, [o.value, o.unit]]))).toEqual({
			pulse: [72, '/min'],
			weightKg: [80, 'kg'],
			heightCm: [180, 'cm'],
			bmi: [24.7, 'kg/m²']
		});
		// An editor who was offline comes back to a read-only chart and is told the visit was completed.
		const offline = connect(running.url, name, { token: sessions[2] });
		const told: string[] = [];
		offline.provider.on('stateless', ({ payload }: { payload: string }) => told.push(payload));
		expect(await offline.outcome).toBe('synced');
		expect(offline.provider.authorizedScope).toBe('readonly');
		await eventually(
			() => told,
			(t) => t.includes(CHART_COMPLETED_MESSAGE)
		);
		nurse.destroy();
		offline.destroy();
	}, 30_000);

	it('refuses to complete a chart holding an impossible vital typed by an editor, with its field, and leaves it open', async () => {
		const visitId = await openVisit();
		const nurse = connect(running.url, documentName.chart(visitId), { token: sessions[1] });
		expect(await nurse.outcome).toBe('synced');
		nurse.doc.transact(() => {
			nurse.doc.getMap(CHART_MAP.vitals).set('pulse', 900);
			nurse.doc.getArray(CHART_MAP.diagnoses).push([{ id: 'd1', code: null, title: 'Palpitations' }]);
		});
		await eventually(
			() => nurse.provider.unsyncedChanges,
			(n) => n === 0
		);
		await expect(completeVisit(running.database.db, ctx(), visitId, { idempotencyKey: key() })).rejects.toMatchObject({
			code: 'vital_impossible',
			status: 422,
			field: 'vitals.pulse'
		});
		const [row] = await running.database.db.select().from(visit).where(eq(visit.id, visitId));
		expect(row.status).toBe('open');
		nurse.doc.getMap(CHART_MAP.vitals).set('pulse', 90);
		await eventually(
			() => nurse.provider.unsyncedChanges,
			(n) => n === 0
		);
		expect((await completeVisit(running.database.db, ctx(), visitId, { idempotencyKey: key() })).snapshot?.vitals.pulse).toBe(90);
		nurse.destroy();
	}, 30_000);

	it('refuses to complete a chart holding a diagnosis code not in the ICD-10 list, with its field; free text and known codes complete', async () => {
		const visitId = await openVisit();
		const nurse = connect(running.url, documentName.chart(visitId), { token: sessions[1] });
		expect(await nurse.outcome).toBe('synced');
		const diagnoses = nurse.doc.getArray(CHART_MAP.diagnoses);
		// An older or broken client writes the document directly: nothing in between checks the code.
		diagnoses.push([
			{ id: 'd1', code: null, title: 'Tired all the time' },
			{ id: 'd2', code: 'ZZ9.99', title: 'Made up' }
		]);
		await eventually(
			() => nurse.provider.unsyncedChanges,
			(n) => n === 0
		);
		await expect(completeVisit(running.database.db, ctx(), visitId, { idempotencyKey: key() })).rejects.toMatchObject({
			code: 'icd10_code_unknown',
			status: 422,
			field: 'diagnoses.1.code'
		});
		const [row] = await running.database.db.select().from(visit).where(eq(visit.id, visitId));
		expect(row.status).toBe('open');
		expect(await running.database.db.select().from(visitRecord).where(eq(visitRecord.visitId, visitId))).toEqual([]);
		nurse.doc.transact(() => {
			diagnoses.delete(1, 1);
			diagnoses.push([{ id: 'd3', code: 'j069', title: 'Acute URTI' }]);
		});
		await eventually(
			() => nurse.provider.unsyncedChanges,
			(n) => n === 0
		);
		const completed = await completeVisit(running.database.db, ctx(), visitId, { idempotencyKey: key() });
		expect(completed.snapshot?.diagnoses).toEqual([
			{ code: null, title: 'Tired all the time' },
			{ code: 'J06.9', title: 'Acute URTI' }
		]);
		const stored = await storedSnapshot(running.database.db, visitId);
		expect(stored?.snapshot.diagnoses).toEqual(completed.snapshot?.diagnoses);
		expect(stored?.contentHash).toBe(completed.contentHash);
		nurse.destroy();
	}, 30_000);
});

describe('a completed chart on screen', () => {
	it('is told when a colleague adds an addendum, so the addendum appears without a reload', async () => {
		const visitId = await openVisit();
		await writeChart(running.database.db, ctx(), visitId, { reason: 'Review' });
		await completeVisit(running.database.db, ctx(), visitId, { idempotencyKey: key() });
		// Another doctor of the clinic and the visit's own doctor are looking at the completed chart.
		const viewers = [
			connect(running.url, documentName.chart(visitId), { token: readerSession }),
			connect(running.url, documentName.chart(visitId), { token: sessions[0] })
		];
		const told = viewers.map((viewer) => {
			const heard: string[] = [];
			viewer.provider.on('stateless', ({ payload }: { payload: string }) => heard.push(payload));
			return heard;
		});
		for (const viewer of viewers) expect(await viewer.outcome).toBe('synced');
		const nurseCtx = ctxOf(clinicId, nurseIds[0], 'nurse');
		const amended = await addAddendum(running.database.db, nurseCtx, visitId, { text: 'Lab result: normal', reason: 'Result arrived', idempotencyKey: key() });
		expect(amended.addenda.map((a) => a.text)).toEqual(['Lab result: normal']);
		for (const heard of told)
			await eventually(
				() => heard,
				(t) => t.includes(CHART_RECORD_CHANGED_MESSAGE)
			);
		// Telling is all it does: the closed chart itself is not changed, and stays read-only.
		for (const viewer of viewers) expect(viewer.provider.authorizedScope).toBe('readonly');
		for (const viewer of viewers) viewer.destroy();
	}, 30_000);
});
