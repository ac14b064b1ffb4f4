/**
 * Check-in to screens: one check-in through the real command, timed from the moment the
 * committed change reaches the sync engine to the moment the token is in the document on each
 * of 100 waiting-room kiosks (display key) and 50 staff queue screens (sessions). Like real
 * devices, the clients run in their own processes (CLIENT_PROCS device farms, clients.ts), apart
 * from the server process and from this orchestrator. The machine is shared and noisy, so a bare
 * Hocuspocus server of the same version fanning one change out to the same 150 clients, held the
 * same way, is measured in the same run as the baseline.
 */
import { percentile, round, spawnServer } from './lib';
import { openFarm } from './farm';

const KIOSKS = 100;
const STAFF = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const WARMUP = 5;
const CLIENT_PROCS = Number(process.env.CLIENT_PROCS ?? 2);

type Ready = { port: number; display: string; queue: string; displayKey: string; tokens: string[] };
const server = await spawnServer<Ready>('tests/bench/servers/queue.ts', { STAFF: String(STAFF), PATIENTS: String(ROUNDS + WARMUP + 5) });
const url = `ws://127.0.0.1:${server.ready.port}/sync`;
// Kiosks first, then staff screens: the delays come back in this order.
const farm = await openFarm(
	[
		...Array.from({ length: KIOSKS }, () => ({ url, name: server.ready.display, token: server.ready.displayKey })),
		...Array.from({ length: STAFF }, (_, i) => ({ url, name: server.ready.queue, token: server.ready.tokens[i] }))
	],
	CLIENT_PROCS
);

const kioskSamples: number[] = [];
const staffSamples: number[] = [];
for (let i = 0; i < WARMUP + ROUNDS; i++) {
	const delays = await farm.timeFanOut(server, String(i), () => server.send(`checkin ${i}`));
	if (i >= WARMUP) {
		kioskSamples.push(...delays.slice(0, KIOSKS));
		staffSamples.push(...delays.slice(KIOSKS));
	}
	// Call and complete the token off the clock, then let its updates settle before the next round.
	server.send(`drain ${i}`);
	await new Promise((r) => setTimeout(r, 300));
}
await farm.close();
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
		client_processes: CLIENT_PROCS,
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
	const bareFarm = await openFarm(
		Array.from({ length: KIOSKS + STAFF }, () => ({ url: `ws://127.0.0.1:${bareServer.ready.port}/sync`, name, token: 'bare' })),
		CLIENT_PROCS
	);
	const samples: number[] = [];
	for (let i = 0; i < WARMUP + ROUNDS; i++) {
		const delays = await bareFarm.timeFanOut(bareServer, name, () => bareServer.send(`change ${name}`));
		if (i >= WARMUP) samples.push(...delays);
		await new Promise((r) => setTimeout(r, 50));
	}
	await bareFarm.close();
	await bareServer.stop();
	samples.sort((a, b) => a - b);
	return { p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)) };
}
