/**
 * Tabeeb's sync server in its own process, for the pharmacy fan-out benchmark: seeds one clinic
 * with a doctor, SCREENS signed-in pharmacists and VISITS open visits, each with a charted
 * diagnosis and a prescription saved but not issued. Prints one JSON line with the port, the
 * pharmacy document and the tokens, then obeys stdin lines: `complete <i>` completes visit i
 * through the real command (which issues its prescription to the pharmacy) and prints the
 * monotonic time the command started (tag `i`), then its duration (tag `done-i`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { openDatabase, setDatabase } from '../../../src/lib/server/db';
import { createSyncServer } from '../../../sync-server';
import { openVisit } from '../../../src/lib/server/visits/openVisit';
import { writeChart } from '../../../src/lib/server/visits/writeChart';
import { completeVisit } from '../../../src/lib/server/visits/completeVisit';
import { savePrescription } from '../../../src/lib/server/prescribing/savePrescription';
import { searchClinicMedicines } from '../../../src/lib/server/pharmacy/medicines';
import { documentName } from '../../../src/lib/sync/protocol';
import { makeClinic, makeMember, makeSession } from '../../factories';
import { ctxOf, key, makePatient } from '../../integration/queueScene';

const screens = Number(process.env.SCREENS ?? 20);
const visits = Number(process.env.VISITS ?? 50);
const database = await openDatabase({ url: process.env.DATABASE_URL || undefined, dataDir: null });
setDatabase(database);
const { db } = database;

const clinic = await makeClinic(db);
const doctorUser = await makeMember(db, clinic.id, 'doctor');
const doctor = ctxOf(clinic.id, doctorUser.id, 'doctor');
const tokens: string[] = [];
for (let i = 0; i < screens; i++) tokens.push(await makeSession(db, (await makeMember(db, clinic.id, 'pharmacist')).id));
const [paracetamol] = await searchClinicMedicines(db, doctor, { q: 'paracetamol' });
const visitIds: string[] = [];
for (let i = 0; i < visits; i++) {
	const patient = await makePatient(db, clinic.id);
	const opened = await openVisit(db, doctor, { patientId: patient.id, setting: 'clinic', idempotencyKey: key() });
	await writeChart(db, doctor, opened.id, { complaint: 'Fever', diagnoses: [{ code: 'R50.9', title: 'Fever, unspecified' }] });
	await savePrescription(db, doctor, opened.id, {
		lines: [{ medicineId: paracetamol.id, dose: '1 tablet', frequency: '1+1+1', durationDays: 3 }],
		idempotencyKey: key()
	});
	visitIds.push(opened.id);
}

const sync = await createSyncServer({ database, redis: null, origin: null, limits: { messagesPerSecond: 1_000_000, messageBurst: 1_000_000 } });
const server = createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (request, socket, head) => sync.handleUpgrade(request, socket, head));
server.listen(0, '127.0.0.1', () => {
	const { port } = server.address() as AddressInfo;
	console.log(JSON.stringify({ ready: true, port, pharmacy: documentName.pharmacy(clinic.id), tokens }));
});

createInterface({ input: process.stdin }).on('line', (line) => void command(line));

async function command(line: string) {
	const [command, arg] = line.split(' ');
	if (command !== 'complete') return;
	// The clock starts as the doctor presses Complete: the command and the sync engine's part.
	const t0 = process.hrtime.bigint();
	try {
		await completeVisit(db, doctor, visitIds[Number(arg)], { idempotencyKey: key() });
		const completeMs = Number(process.hrtime.bigint() - t0) / 1e6;
		console.log(JSON.stringify({ t0: String(t0), tag: arg }));
		console.log(JSON.stringify({ t0: String(t0), tag: `done-${arg}`, completeMs }));
	} catch (err) {
		console.log(JSON.stringify({ t0: String(t0), tag: arg }));
		console.log(JSON.stringify({ t0: String(t0), tag: `done-${arg}`, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }));
	}
}
