/**
 * Booking under contention, over HTTP against the built app: 200 desks ask for the same slot at
 * once (exactly one must win, the rest get a clean 409 `slot_taken`, none a 5xx), then booking
 * throughput over distinct slots. On PGlite, and on PostgreSQL too when DATABASE_URL is set
 * (PGlite runs one query at a time, so only PostgreSQL shows real concurrency).
 */
import { cpuSeconds, percentile, round } from './lib';
import { book, dayAhead, slotStart, SLOTS_PER_DAY, startBookingWorld } from './bookingSetup';

const RACERS = Number(process.env.BENCH_RACERS ?? 200);
const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DOCTORS = 4;

async function measure(database: 'pglite' | 'postgres') {
	const world = await startBookingWorld({ postgres: database === 'postgres' ? (process.env.DATABASE_URL ?? '') : '', doctors: DOCTORS, patients: 40 });
	try {
		// Warm the server's code paths and connections before timing anything.
		await book(world, { patientId: world.patientIds[0], doctorId: world.doctorIds[0], start: slotStart(dayAhead(1), 0) });

		const raceSlot = slotStart(dayAhead(1), 1);
		const race = await Promise.all(
			Array.from({ length: RACERS }, (_, i) =>
				book(world, { patientId: world.patientIds[i % world.patientIds.length], doctorId: world.doctorIds[0], start: raceSlot })
			)
		);
		const won = race.filter((r) => r.status === 201).length;
		const taken = race.filter((r) => r.status === 409 && r.body.includes('"slot_taken"')).length;
		const serverErrors = race.filter((r) => r.status >= 500).length;

		// Distinct slots: doctors × days × slots from day 2 on, CONCURRENCY requests in flight.
		const targets = Array.from({ length: BOOKINGS }, (_, i) => {
			const doctor = i % DOCTORS;
			const slot = Math.floor(i / DOCTORS) % SLOTS_PER_DAY;
			const day = 2 + Math.floor(i / (DOCTORS * SLOTS_PER_DAY));
			return { patientId: world.patientIds[i % world.patientIds.length], doctorId: world.doctorIds[doctor], start: slotStart(dayAhead(day), slot) };
		});
		const latencies: number[] = [];
		let failed = 0;
		let next = 0;
		// CPU time is steadier than bookings per second on a shared machine: the server's (with the
		// database in it on PGlite; PostgreSQL's own is not counted) and this client's.
		const serverCpu = world.app.pid ? cpuSeconds(world.app.pid) : NaN;
		const clientCpu = process.cpuUsage();
		const started = performance.now();
		await Promise.all(
			Array.from({ length: CONCURRENCY }, async () => {
				while (next < targets.length) {
					const result = await book(world, targets[next++]);
					if (result.status === 201) latencies.push(result.ms);
					else failed++;
				}
			})
		);
		const seconds = (performance.now() - started) / 1000;
		const serverCpuMs = world.app.pid ? ((cpuSeconds(world.app.pid) - serverCpu) * 1000) / BOOKINGS : NaN;
		const clientCpuUsed = process.cpuUsage(clientCpu);
		latencies.sort((a, b) => a - b);
		return {
			database,
			race: { requests: RACERS, succeeded: won, slot_taken_409: taken, server_errors: serverErrors, other: RACERS - won - taken - serverErrors },
			throughput: {
				bookings: BOOKINGS,
				concurrency: CONCURRENCY,
				failed,
				bookings_per_second: round(latencies.length / seconds, 1),
				p50_ms: round(percentile(latencies, 50), 1),
				p99_ms: round(percentile(latencies, 99), 1),
				server_cpu_ms_per_booking: round(serverCpuMs, 1),
				client_cpu_ms_per_booking: round((clientCpuUsed.user + clientCpuUsed.system) / 1000 / BOOKINGS, 1)
			}
		};
	} finally {
		await world.app.stop();
	}
}

const results = [await measure('pglite')];
if (process.env.DATABASE_URL) results.push(await measure('postgres'));
for (const result of results) console.log(JSON.stringify({ bench: 'booking', ...result }));
process.exit(results.every((r) => r.race.succeeded === 1 && r.race.server_errors === 0) ? 0 : 1);
