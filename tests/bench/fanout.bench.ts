/**
 * Fan-out of one server-side projection change to 200 connected clients: Tabeeb (auth,
 * persistence and the update log on, the change going through the real command and publisher)
 * against a bare Hocuspocus server of the same version, each in its own process.
 */
import { documentName } from '../../src/lib/sync/protocol';
import { benchClient, connectMany, percentile, round, spawnServer, timeFanOut } from './lib';

const CLIENTS = 200;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const WARMUP = 5;

async function measure(kind: 'tabeeb' | 'bare') {
	type Ready = { port: number; clinics?: { clinicId: string; tokens: string[] }[] };
	const server = await spawnServer<Ready>(`tests/bench/servers/${kind}.ts`, { CLINICS: '1', PER_CLINIC: String(CLIENTS) });
	const url = `ws://127.0.0.1:${server.ready.port}/sync`;
	const clinic = server.ready.clinics?.[0];
	const name = clinic ? documentName.staff(clinic.clinicId) : 'bench/doc';
	const clients = await connectMany(CLIENTS, (i) => benchClient(url, name, clinic?.tokens[i] ?? 'bare'));
	const samples: number[] = [];
	for (let round = 0; round < WARMUP + ROUNDS; round++) {
		const delays = await timeFanOut(clients, server, kind === 'tabeeb' ? '0' : name, () => server.send(kind === 'tabeeb' ? 'change 0' : `change ${name}`));
		if (round >= WARMUP) samples.push(...delays);
		await new Promise((r) => setTimeout(r, 50));
	}
	for (const c of clients) c.destroy();
	await server.stop();
	samples.sort((a, b) => a - b);
	return { p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)), samples: samples.length };
}

const bare = await measure('bare');
const tabeeb = await measure('tabeeb');
console.log(
	JSON.stringify({
		bench: 'fanout',
		clients: CLIENTS,
		rounds: ROUNDS,
		database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
		tabeeb_p50_ms: tabeeb.p50,
		tabeeb_p99_ms: tabeeb.p99,
		bare_p50_ms: bare.p50,
		bare_p99_ms: bare.p99,
		p99_ratio: round(tabeeb.p99 / bare.p99),
		target_p99_ms: 50
	})
);
process.exit(0);
