/**
 * Durability cost: how many updates per second one collaborative document accepts when every
 * update is appended to the Postgres log before it is applied, against a bare Hocuspocus
 * server (no persistence) in the same run. An update counts once the server acknowledged it.
 */
import { today } from '@internationalized/date';
import { documentName } from '../../src/lib/sync/protocol';
import { benchClient, round, spawnServer } from './lib';

const UPDATES = Number(process.env.BENCH_UPDATES ?? 3000);

async function measure(kind: 'tabeeb' | 'bare') {
	type Ready = { port: number; clinics?: { clinicId: string; tokens: string[] }[] };
	const server = await spawnServer<Ready>(`tests/bench/servers/${kind}.ts`, { CLINICS: '1', PER_CLINIC: '1' });
	const clinic = server.ready.clinics?.[0];
	const name = clinic ? documentName.desk(clinic.clinicId, today('Asia/Karachi').toString()) : 'bench/desk';
	const writer = await benchClient(`ws://127.0.0.1:${server.ready.port}/sync`, name, clinic?.tokens[0] ?? 'bare');
	const text = writer.doc.getText('notes');
	const started = performance.now();
	// Each insert is its own transaction, so its own update message: a keystroke each.
	for (let i = 0; i < UPDATES; i++) {
		text.insert(text.length, 'x');
		if (i % 100 === 99) await new Promise((r) => setImmediate(r));
	}
	// Only once everything is sent: the count can touch zero between batches.
	await new Promise<void>((resolve) => {
		if (writer.provider.unsyncedChanges === 0) return resolve();
		writer.provider.on('unsyncedChanges', ({ number }: { number: number }) => number === 0 && resolve());
	});
	const seconds = (performance.now() - started) / 1000;
	writer.destroy();
	await server.stop();
	return round(UPDATES / seconds, 0);
}

const bare = await measure('bare');
const tabeeb = await measure('tabeeb');
console.log(
	JSON.stringify({
		bench: 'durability',
		updates: UPDATES,
		database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
		tabeeb_updates_per_second: tabeeb,
		bare_updates_per_second: bare,
		ratio: round(tabeeb / bare)
	})
);
process.exit(0);
