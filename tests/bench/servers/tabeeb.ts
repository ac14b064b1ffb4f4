/**
 * Tabeeb's sync server in its own process, for benchmarks: seeds CLINICS clinics with
 * PER_CLINIC signed-in members each, prints one JSON line with the port and the tokens, then
 * obeys stdin lines: `change <clinicIndex>` toggles a member's duty through the real command,
 * publishes the change and prints the monotonic time the change was published.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { openDatabase, setDatabase } from '../../../src/lib/server/db';
import { createSyncServer } from '../../../sync-server';
import { setStaffDuty } from '../../../src/lib/server/tenancy/setStaffDuty';
import { publishChanges } from '../../../src/lib/server/sync/publish';
import { clinicToday } from '../../../src/lib/time';
import { documentName } from '../../../src/lib/sync/protocol';
import { makeClinic, makeMember, makeSession } from '../../factories';

const clinicCount = Number(process.env.CLINICS ?? 1);
const perClinic = Number(process.env.PER_CLINIC ?? 1);
const database = await openDatabase({ url: process.env.DATABASE_URL || undefined, dataDir: null });
setDatabase(database);
const { db } = database;

const clinics: { clinicId: string; timezone: string; adminId: string; tokens: string[]; onDuty: boolean }[] = [];
for (let c = 0; c < clinicCount; c++) {
	const clinic = await makeClinic(db);
	const admin = await makeMember(db, clinic.id, 'admin');
	const tokens = [await makeSession(db, admin.id)];
	while (tokens.length < perClinic) tokens.push(await makeSession(db, admin.id));
	clinics.push({ clinicId: clinic.id, timezone: clinic.timezone, adminId: admin.id, tokens, onDuty: false });
}

const sync = await createSyncServer({
	database,
	redis: null,
	origin: null,
	// The benchmark's writer sends far faster than a person types.
	limits: { messagesPerSecond: 1_000_000, messageBurst: 1_000_000 }
});
const server = createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (request, socket, head) => sync.handleUpgrade(request, socket, head));
server.listen(0, '127.0.0.1', () => {
	const { port } = server.address() as AddressInfo;
	console.log(JSON.stringify({ ready: true, port, clinics: clinics.map(({ clinicId, tokens }) => ({ clinicId, tokens })) }));
});

createInterface({ input: process.stdin }).on('line', (line) => void command(line));

async function command(line: string) {
	const [command, arg] = line.split(' ');
	if (command !== 'change') return;
	const target = clinics[Number(arg)];
	target.onDuty = !target.onDuty;
	const ctx = { clinicId: target.clinicId, actor: { userId: target.adminId, role: 'admin' as const } };
	await setStaffDuty(db, ctx, { userId: target.adminId, day: clinicToday(target.timezone), onDuty: target.onDuty });
	// The clock starts once the command has committed: what follows is the sync engine's part.
	const t0 = process.hrtime.bigint();
	await publishChanges([documentName.staff(target.clinicId)]);
	console.log(JSON.stringify({ t0: String(t0), tag: arg }));
}
