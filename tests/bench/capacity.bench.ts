/**
 * Capacity: 2,000 authenticated connections over 100 documents (clinic staff projections) on
 * one server process; its resident memory, and the p99 fan-out latency while ten duty changes
 * a second go through the real command and publisher.
 */
import { documentName } from '../../src/lib/sync/protocol';
import { benchClient, connectMany, nextUpdateAt, percentile, round, rssMb, spawnServer, type BenchClient } from './lib';

const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 100);
const PER_DOCUMENT = Number(process.env.BENCH_PER_DOCUMENT ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WRITES_PER_SECOND = 10;

type Ready = { port: number; clinics: { clinicId: string; tokens: string[] }[] };
const server = await spawnServer<Ready>('tests/bench/servers/tabeeb.ts', { CLINICS: String(DOCUMENTS), PER_CLINIC: String(PER_DOCUMENT) });
const url = `ws://127.0.0.1:${server.ready.port}/sync`;
const rssIdle = rssMb(server.child.pid!);
const started = performance.now();
const byDocument: BenchClient[][] = [];
for (const clinic of server.ready.clinics) {
	byDocument.push(await connectMany(PER_DOCUMENT, (i) => benchClient(url, documentName.staff(clinic.clinicId), clinic.tokens[i])));
}
const connectSeconds = round((performance.now() - started) / 1000, 1);
const rssConnected = rssMb(server.child.pid!);

const samples: number[] = [];
let peakRss = rssConnected;
const writes: Promise<void>[] = [];
for (let i = 0; i < SECONDS * WRITES_PER_SECOND; i++) {
	const target = i % DOCUMENTS;
	const clients = byDocument[target];
	const arrivals = clients.map(nextUpdateAt);
	const t0 = server.nextT0(String(target));
	server.send(`change ${target}`);
	writes.push(
		Promise.all([t0, Promise.all(arrivals)]).then(([start, ends]) => {
			for (const end of ends) samples.push(Number(end - start) / 1e6);
		})
	);
	await new Promise((r) => setTimeout(r, 1000 / WRITES_PER_SECOND));
	if (i % WRITES_PER_SECOND === 0) peakRss = Math.max(peakRss, rssMb(server.child.pid!));
}
await Promise.all(writes);
samples.sort((a, b) => a - b);
console.log(
	JSON.stringify({
		bench: 'capacity',
		connections: DOCUMENTS * PER_DOCUMENT,
		documents: DOCUMENTS,
		database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
		connect_seconds: connectSeconds,
		rss_idle_mb: rssIdle,
		rss_connected_mb: rssConnected,
		rss_peak_mb: peakRss,
		target_rss_mb: 600,
		writes_per_second: WRITES_PER_SECOND,
		fanout_p50_ms: round(percentile(samples, 50)),
		fanout_p99_ms: round(percentile(samples, 99)),
		samples: samples.length
	})
);
for (const clients of byDocument) for (const c of clients) c.destroy();
await server.stop();
process.exit(0);
