/**
 * Tabeeb's sync server in its own process, for the queue benchmark: seeds one clinic with a
 * desk, a doctor, patients, a display key and STAFF signed-in sessions, prints one JSON line
 * with the port, the documents and the credentials, then obeys stdin lines:
 *  - `checkin <i>` checks patient i in through the real command and prints the monotonic time
 *    its change was handed to the sync engine (the command has committed by then);
 *  - `drain <i>` calls and completes the waiting token (untimed), so the next check-in changes
 *    what the waiting room shows.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { openDatabase, setDatabase } from '../../../src/lib/server/db';
import { patient } from '../../../src/lib/server/db/schema';
import { createSyncServer } from '../../../sync-server';
import { changeHub } from '../../../src/lib/server/sync/publish';
import { checkInPatient } from '../../../src/lib/server/queue/checkIn';
import { callNext } from '../../../src/lib/server/queue/callNext';
import { completeToken } from '../../../src/lib/server/queue/changeToken';
import { createDisplayKey } from '../../../src/lib/server/queue/displayKeys';
import { clinicToday } from '../../../src/lib/time';
import { documentName } from '../../../src/lib/sync/protocol';
import { makeClinic, makeMember, makeSession } from '../../factories';

const staffCount = Number(process.env.STAFF ?? 50);
const patientCount = Number(process.env.PATIENTS ?? 100);
const database = await openDatabase({ url: process.env.DATABASE_URL || undefined, dataDir: null });
setDatabase(database);
const { db } = database;

const clinic = await makeClinic(db);
const admin = await makeMember(db, clinic.id, 'admin');
const desk = await makeMember(db, clinic.id, 'reception');
const doctor = await makeMember(db, clinic.id, 'doctor');
const patients = await db
	.insert(patient)
	.values(Array.from({ length: patientCount }, (_, i) => ({ clinicId: clinic.id, refNo: i + 1, name: `Bench Patient ${i}` })))
	.returning({ id: patient.id });
const adminCtx = { clinicId: clinic.id, actor: { userId: admin.id, role: 'admin' as const } };
const deskCtx = { clinicId: clinic.id, actor: { userId: desk.id, role: 'reception' as const } };
const doctorCtx = { clinicId: clinic.id, actor: { userId: doctor.id, role: 'doctor' as const } };
const { key } = await createDisplayKey(db, adminCtx, { name: 'Bench screen' });
const tokens: string[] = [];
while (tokens.length < staffCount) tokens.push(await makeSession(db, desk.id));

// Delivers changes in-process like the default hub, timing the moment they are handed over.
let pendingTag: string | null = null;
changeHub().transports.add(async (names) => {
	const t0 = process.hrtime.bigint();
	for (const listener of changeHub().listeners) listener(names);
	if (pendingTag !== null) {
		console.log(JSON.stringify({ t0: String(t0), tag: pendingTag }));
		pendingTag = null;
	}
});

const sync = await createSyncServer({ database, redis: null, origin: null, limits: { messagesPerSecond: 1_000_000, messageBurst: 1_000_000 } });
const server = createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (request, socket, head) => sync.handleUpgrade(request, socket, head));
const day = clinicToday(clinic.timezone);
server.listen(0, '127.0.0.1', () => {
	const { port } = server.address() as AddressInfo;
	console.log(
		JSON.stringify({ ready: true, port, display: documentName.display(clinic.id, day), queue: documentName.queue(clinic.id, day), displayKey: key, tokens })
	);
});

let lastToken: string | null = null;
createInterface({ input: process.stdin }).on('line', (line) => void command(line));

async function command(line: string) {
	const [command, arg] = line.split(' ');
	if (command === 'checkin') {
		pendingTag = arg;
		lastToken = (await checkInPatient(db, deskCtx, { patientId: patients[Number(arg)].id, doctorId: doctor.id, idempotencyKey: `bench-${arg}-${Date.now()}` }))
			.id;
	} else if (command === 'drain' && lastToken) {
		await callNext(db, doctorCtx, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() });
		await completeToken(db, doctorCtx, lastToken, { idempotencyKey: crypto.randomUUID() });
		console.log(JSON.stringify({ drained: arg }));
	}
}
