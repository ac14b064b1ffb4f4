/**
 * Check-in to screens: one check-in through the real command, timed from the moment the
 * committed change reaches the sync engine to the moment the token is in the document on each
 * of 100 waiting-room kiosks (display key) and 50 staff queue screens (sessions). The machine
 * is shared and noisy, so a bare Hocuspocus server of the same version fanning one change out
 * to the same 150 clients is measured in the same run as the baseline.
 */
import { benchClient, connectMany, percentile, round, spawnServer, timeFanOut } from './lib';

const KIOSKS = 100;
const STAFF = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const WARMUP = 5;

type Ready = { port: number; display: string; queue: string; displayKey: string; tokens: string[] };
const server = await spawnServer<Ready>('tests/bench/servers/queue.ts', { STAFF: String(STAFF), PATIENTS: String(ROUNDS + WARMUP + 5) });
const url = `ws://127.0.0.1:${server.ready.port}/sync`;
const kiosks = await connectMany(KIOSKS, () => benchClient(url, server.ready.display, server.ready.displayKey));
const staff = await connectMany(STAFF, (i) => benchClient(url, server.ready.queue, server.ready.tokens[i]));
const clients = [...kiosks, ...staff];

const kioskSamples: number[] = [];
const staffSamples: number[] = [];
for (let i = 0; i < WARMUP + ROUNDS; i++) {
	const delays = await timeFanOut(clients, server, String(i), () => server.send(`checkin ${i}`));
	if (i >= WARMUP) {
		kioskSamples.push(...delays.slice(0, KIOSKS));
		staffSamples.push(...delays.slice(KIOSKS));
	}
	// Call and complete the token off the clock, then let its updates settle before the next round.
	server.send(`drain ${i}`);
	await new Promise((r) => setTimeout(r, 300));
}
for (const c of clients) c.destroy();
await server.stop();

const bare = await measureBare();
const all = [...kioskSamples, ...staffSamples].sort((a, b) => a - b);
kioskSamples.sort((a, b) => a - b);
staffSamples.sort((a, b) => a - b);
console.log(
	JSON.stringify({
		bench: 'queue-fanout',
		kiosks: KIOSKS,
		staff: STAFF,
		rounds: ROUNDS,
		database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
		p50_ms: round(percentile(all, 50)),
		p99_ms: round(percentile(all, 99)),
		kiosk_p50_ms: round(percentile(kioskSamples, 50)),
		kiosk_p99_ms: round(percentile(kioskSamples, 99)),
		staff_p50_ms: round(percentile(staffSamples, 50)),
		staff_p99_ms: round(percentile(staffSamples, 99)),
		samples: all.length,
		bare_p50_ms: bare.p50,
		bare_p99_ms: bare.p99,
		p99_ratio: round(percentile(all, 99) / bare.p99),
		target_p99_ms: 100
	})
);
process.exit(0);

async function measureBare() {
	const bareServer = await spawnServer<{ port: number }>('tests/bench/servers/bare.ts');
	const name = 'bench/doc';
	const bareClients = await connectMany(KIOSKS + STAFF, () => benchClient(`ws://127.0.0.1:${bareServer.ready.port}/sync`, name, 'bare'));
	const samples: number[] = [];
	for (let i = 0; i < WARMUP + ROUNDS; i++) {
		const delays = await timeFanOut(bareClients, bareServer, name, () => bareServer.send(`change ${name}`));
		if (i >= WARMUP) samples.push(...delays);
		await new Promise((r) => setTimeout(r, 50));
	}
	for (const c of bareClients) c.destroy();
	await bareServer.stop();
	samples.sort((a, b) => a - b);
	return { p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)) };
}
