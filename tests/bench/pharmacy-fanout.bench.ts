/**
 * Prescription to the pharmacy's screens: a doctor completes a visit through the real command,
 * which issues its prescription, and each of 20 pharmacists' screens (Hocuspocus clients of
 * `clinic/{id}/pharmacy`, in their own device-farm processes like queue-fanout) shows it. Timed
 * from the moment the command starts to the moment each screen's document changed, so the
 * completion itself is counted; the command's own duration is printed beside it.
 */
import { percentile, round, spawnServer } from './lib';
import { openFarm } from './farm';

const SCREENS = 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const WARMUP = 3;
const CLIENT_PROCS = Number(process.env.CLIENT_PROCS ?? 2);

type Ready = { port: number; pharmacy: string; tokens: string[] };
const server = await spawnServer<Ready>('tests/bench/servers/pharmacy.ts', { SCREENS: String(SCREENS), VISITS: String(ROUNDS + WARMUP) });
const url = `ws://127.0.0.1:${server.ready.port}/sync`;
const farm = await openFarm(
	server.ready.tokens.map((token) => ({ url, name: server.ready.pharmacy, token })),
	CLIENT_PROCS
);

const samples: number[] = [];
const commands: number[] = [];
let errors = 0;
for (let i = 0; i < WARMUP + ROUNDS; i++) {
	const report = server.nextReport(`done-${i}`);
	const delays = await farm.timeFanOut(server, String(i), () => server.send(`complete ${i}`));
	const done = await report;
	if (done.error) {
		errors++;
		console.error(done.error);
	}
	if (i >= WARMUP) {
		samples.push(...delays);
		commands.push(Number(done.completeMs));
	}
	await new Promise((r) => setTimeout(r, 200));
}
await farm.close();
await server.stop();

samples.sort((a, b) => a - b);
commands.sort((a, b) => a - b);
console.log(
	JSON.stringify({
		bench: 'pharmacy-fanout',
		screens: SCREENS,
		rounds: ROUNDS,
		client_processes: CLIENT_PROCS,
		database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
		p50_ms: round(percentile(samples, 50)),
		p99_ms: round(percentile(samples, 99)),
		complete_command_p50_ms: round(percentile(commands, 50)),
		complete_command_p99_ms: round(percentile(commands, 99)),
		samples: samples.length,
		errors
	})
);
process.exit(errors ? 1 : 0);
