/**
 * Tabeeb's sync server in its own process, for the chart benchmark: seeds one clinic with a
 * doctor, EDITORS - 1 nurses (one signed-in session each), a patient and an open visit, prints
 * one JSON line with the port, the chart's document name and the tokens (the doctor's first),
 * then obeys one stdin line: `complete` completes the visit through the real command (as its
 * doctor) and prints the monotonic time it started, how long the command took and the content
 * hash of the snapshot it stored.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { openDatabase, setDatabase } from '../../../src/lib/server/db';
import { visit } from '../../../src/lib/server/db/schema';
import { createSyncServer } from '../../../sync-server';
import { completeVisit } from '../../../src/lib/server/visits/completeVisit';
import { documentName } from '../../../src/lib/sync/protocol';
import { makeClinic, makeMember, makeSession } from '../../factories';
import { ctxOf, makePatient } from '../../integration/queueScene';

const editors = Number(process.env.EDITORS ?? 5);
const database = await openDatabase({ url: process.env.DATABASE_URL || undefined, dataDir: null });
setDatabase(database);
const { db } = database;

const clinic = await makeClinic(db);
const doctor = await makeMember(db, clinic.id, 'doctor');
const tokens = [await makeSession(db, doctor.id)];
while (tokens.length < editors) tokens.push(await makeSession(db, (await makeMember(db, clinic.id, 'nurse')).id));
const patient = await makePatient(db, clinic.id);
const [opened] = await db.insert(visit).values({ clinicId: clinic.id, refNo: 1, patientId: patient.id, doctorId: doctor.id }).returning();

// The people editing a chart type far slower than this limit; the real limits stay on.
const sync = await createSyncServer({ database, redis: null, origin: null });
const server = createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (request, socket, head) => sync.handleUpgrade(request, socket, head));
server.listen(0, '127.0.0.1', () => {
	const { port } = server.address() as AddressInfo;
	console.log(JSON.stringify({ ready: true, port, chart: documentName.chart(opened.id), tokens }));
});

createInterface({ input: process.stdin }).on('line', (line) => void command(line));

async function command(line: string) {
	if (line.trim() !== 'complete') return;
	const t0 = process.hrtime.bigint();
	try {
		const done = await completeVisit(db, ctxOf(clinic.id, doctor.id, 'doctor'), opened.id, { idempotencyKey: crypto.randomUUID() });
		const ms = Number(process.hrtime.bigint() - t0) / 1e6;
		console.log(JSON.stringify({ t0: String(t0), tag: 'complete', completeMs: ms, contentHash: done.contentHash }));
	} catch (err) {
		console.log(JSON.stringify({ t0: String(t0), tag: 'complete', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }));
	}
}
