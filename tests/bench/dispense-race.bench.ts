/**
 * Dispensing under contention, over HTTP against the built app: two pharmacists send 200
 * dispense requests at once, each for a different prescription of one unit of the same medicine,
 * while 50 units sit on the shelf in three batches of different expiries (20, 20, 10; delivered
 * latest expiry first, so delivery order is not expiry order). An observer reads the shelf over
 * the API throughout. Exactly 50 units may leave, first expiry first; no batch may ever go below
 * zero; every movement's balance must follow from the one before; no 5xx. Prints the latency of
 * the requests, but asserts none: the process exits non-zero only when correctness fails. On
 * PGlite (commands one at a time) and on PostgreSQL too when DATABASE_URL is set.
 */
import { startApp, type App } from '../integration/http';
import { makeSession, rand } from '../factories';
import { pharmacyScene } from '../pharmacyScene';
import { addDays, clinicToday } from '../../src/lib/time';
import { percentile, round } from './lib';

const RACERS = Number(process.env.BENCH_RACERS ?? 200);
/** Batches in expiry order: how many units each holds and how far ahead it expires. */
const SHELF = [
	{ quantity: 20, days: 200 },
	{ quantity: 20, days: 300 },
	{ quantity: 10, days: 400 }
];
const UNITS = SHELF.reduce((sum, b) => sum + b.quantity, 0);

type World = { app: App; code: string; medicineId: string; batchIds: string[]; tokens: string[]; rx: { id: string; lineId: string }[] };
type Movement = { batchId: string; kind: string; quantity: number; balanceAfter: number; prescriptionId: string | null };
type Stock = { onHand: number; batches: { id: string; onHand: number }[] };

async function startWorld(postgres: string): Promise<World> {
	const holder: { seeded?: Omit<World, 'app'> } = {};
	const app = await startApp({
		postgres,
		env: { LOG_LEVEL: 'error' },
		seed: async (db) => {
			const scene = await pharmacyScene(db);
			const med = await scene.addMedicine();
			const today = clinicToday(scene.home.timezone);
			const batchIds: string[] = new Array(SHELF.length);
			for (let i = SHELF.length - 1; i >= 0; i--) {
				const received = await scene.stock(med.id, `RACE-${i + 1}-${rand(3)}`, addDays(today, SHELF[i].days), SHELF[i].quantity);
				batchIds[i] = received.id;
			}
			const rx: World['rx'] = [];
			for (let i = 0; i < RACERS; i++) {
				const issued = await scene.issue([{ medicineId: med.id, quantity: 1 }]);
				rx.push({ id: issued.id, lineId: issued.lines[0] });
			}
			holder.seeded = {
				code: scene.home.code,
				medicineId: med.id,
				batchIds,
				tokens: [await makeSession(db, scene.pharmacistUser.id), await makeSession(db, scene.secondPharmacist.actor.userId)],
				rx
			};
		}
	});
	if (!holder.seeded) throw new Error('the dispensing world was not seeded');
	return { ...holder.seeded, app };
}

async function call(world: World, token: string, method: 'GET' | 'POST', path: string, body?: unknown) {
	const started = performance.now();
	const response = await fetch(`${world.app.url}/api/v1/clinics/${world.code}${path}`, {
		method,
		headers: { 'content-type': 'application/json', cookie: `session=${token}`, origin: world.app.url },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await response.text();
	return { status: response.status, ms: performance.now() - started, body: text };
}

async function measure(database: 'pglite' | 'postgres') {
	const world = await startWorld(database === 'postgres' ? (process.env.DATABASE_URL ?? '') : '');
	const failures: string[] = [];
	try {
		const stockPath = `/medicines/${world.medicineId}/stock`;
		const shelf = async (): Promise<Stock> => JSON.parse((await call(world, world.tokens[0], 'GET', stockPath)).body);
		const before = await shelf();
		if (before.onHand !== UNITS) failures.push(`on hand before the race is ${before.onHand}, not ${UNITS}`);

		// The observer: the shelf as the API shows it, as often as it can, until the race ends.
		const snapshots: Stock[] = [];
		let racing = true;
		const observer = (async () => {
			while (racing) snapshots.push(await shelf());
		})();
		const started = performance.now();
		const race = await Promise.all(
			world.rx.map((p, i) =>
				call(world, world.tokens[i % 2], 'POST', `/prescriptions/${p.id}/dispense`, {
					lines: [{ lineId: p.lineId, quantity: 1 }],
					idempotencyKey: `race-${rand(8)}`
				})
			)
		);
		const elapsed = performance.now() - started;
		racing = false;
		await observer;

		const serverErrors = race.filter((r) => r.status >= 500).length;
		const refused = race.filter((r) => r.status >= 400 && r.status < 500).length;
		const answers = race.filter((r) => r.status === 200).map((r) => JSON.parse(r.body) as { status: string; lines: { dispensed: number; short: number }[] });
		const given = answers.reduce((sum, a) => sum + a.lines.reduce((s, l) => s + l.dispensed, 0), 0);
		const ready = answers.filter((a) => a.status === 'ready').length;
		const waiting = answers.filter((a) => a.status === 'waiting_for_stock').length;
		if (serverErrors > 0) failures.push(`${serverErrors} requests answered 5xx`);
		if (given !== UNITS) failures.push(`the answers gave ${given} units, not ${UNITS}`);
		if (ready !== UNITS || waiting !== RACERS - UNITS) failures.push(`${ready} ready and ${waiting} waiting for stock`);

		// Every moment the observer saw: no batch below zero, and no later batch touched while an earlier one had stock.
		const onHandOf = (s: Stock, id: string) => s.batches.find((b) => b.id === id)?.onHand ?? 0;
		let fefoBreaks = 0;
		let negativeSeen = 0;
		for (const s of [before, ...snapshots]) {
			const levels = world.batchIds.map((id) => onHandOf(s, id));
			if (levels.some((l) => l < 0)) negativeSeen++;
			for (let b = 1; b < levels.length; b++) if (levels[b] < SHELF[b].quantity && levels.slice(0, b).some((l) => l > 0)) fefoBreaks++;
		}
		if (negativeSeen) failures.push(`${negativeSeen} snapshots with a batch below zero`);
		if (fefoBreaks) failures.push(`${fefoBreaks} snapshots where a later-expiring batch was used before an earlier one was empty`);

		// The ledger: every dispensed movement's balance follows from the one before, batch by batch.
		const ledger = JSON.parse((await call(world, world.tokens[1], 'GET', `/stock/movements?medicineId=${world.medicineId}`)).body) as { movements: Movement[] };
		const dispensed = ledger.movements.filter((m) => m.kind === 'dispensed');
		const perBatch = world.batchIds.map((id, b) => {
			const moves = dispensed.filter((m) => m.batchId === id);
			const balances = moves.map((m) => m.balanceAfter).sort((x, y) => y - x);
			const expected = Array.from({ length: SHELF[b].quantity }, (_, k) => SHELF[b].quantity - 1 - k);
			const sum = moves.reduce((s, m) => s + m.quantity, 0);
			if (JSON.stringify(balances) !== JSON.stringify(expected)) failures.push(`batch ${b + 1}: balances after ${balances.join(',')}`);
			if (sum !== -SHELF[b].quantity) failures.push(`batch ${b + 1}: movements sum to ${sum}`);
			return {
				batch: b + 1,
				expiry_days: SHELF[b].days,
				received: SHELF[b].quantity,
				dispensed: -sum,
				lowest_balance: Math.min(...moves.map((m) => m.balanceAfter))
			};
		});
		if (ledger.movements.some((m) => m.balanceAfter < 0)) failures.push('a movement left a batch below zero');
		const prescriptionsServed = new Set(dispensed.map((m) => m.prescriptionId)).size;
		if (prescriptionsServed !== UNITS) failures.push(`${prescriptionsServed} prescriptions got units`);
		const after = await shelf();
		if (after.onHand !== 0) failures.push(`on hand after the race is ${after.onHand}`);

		const latencies = race.map((r) => r.ms).sort((a, b) => a - b);
		return {
			database,
			racers: RACERS,
			units: UNITS,
			units_dispensed: given,
			ready,
			waiting_for_stock: waiting,
			refused_4xx: refused,
			server_errors: serverErrors,
			on_hand_after: after.onHand,
			batches: perBatch,
			snapshots: snapshots.length,
			negative_seen: negativeSeen,
			fefo_breaks_seen: fefoBreaks,
			p50_ms: round(percentile(latencies, 50)),
			p99_ms: round(percentile(latencies, 99)),
			elapsed_ms: round(elapsed),
			correct: failures.length === 0,
			failures
		};
	} finally {
		await world.app.stop();
	}
}

const runs = [await measure('pglite')];
if (process.env.DATABASE_URL) runs.push(await measure('postgres'));
for (const run of runs) console.log(JSON.stringify({ bench: 'dispense-race', ...run }));
process.exit(runs.every((r) => r.correct) ? 0 : 1);
