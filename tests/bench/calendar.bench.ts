/**
 * Booking committed → visible in another desk's calendar: a second client holds the day's
 * `calendar` projection open over /sync on the built app, and each booking is timed from the
 * moment the HTTP answer (the commit) arrives to the moment that client's document shows it.
 * The server publishes before it answers, so "after commit" can be 0 when the update wins the race.
 */
import { documentName, PROJECTION_MAP } from '../../src/lib/sync/protocol';
import { benchClient, percentile, round } from './lib';
import { book, dayAhead, slotStart, SLOTS_PER_DAY, startBookingWorld } from './bookingSetup';

const BOOKINGS = Math.min(Number(process.env.BENCH_BOOKINGS ?? 60), SLOTS_PER_DAY * 2);

async function measure(database: 'pglite' | 'postgres') {
	const world = await startBookingWorld({ postgres: database === 'postgres' ? (process.env.DATABASE_URL ?? '') : '', doctors: 2, patients: 10 });
	const day = dayAhead(3);
	const watcher = await benchClient(`${world.app.url.replace(/^http/, 'ws')}/sync`, documentName.calendar(world.clinicId, day), world.watcherToken);
	const projection = watcher.doc.getMap(PROJECTION_MAP);
	const shows = (id: string) => JSON.stringify(projection.get('appointments') ?? []).includes(id);
	try {
		const afterCommit: number[] = [];
		const endToEnd: number[] = [];
		let failed = 0;
		for (let i = 0; i < BOOKINGS; i++) {
			// Every change the watcher receives, with its time: the update may beat the HTTP answer.
			const changes: { at: number; content: string }[] = [];
			const onChange = () => changes.push({ at: performance.now(), content: JSON.stringify(projection.get('appointments') ?? []) });
			projection.observeDeep(onChange);
			const sent = performance.now();
			const result = await book(world, {
				patientId: world.patientIds[i % world.patientIds.length],
				doctorId: world.doctorIds[i % 2],
				start: slotStart(day, Math.floor(i / 2))
			});
			const committed = performance.now();
			const id = result.status === 201 ? String(JSON.parse(result.body).id) : null;
			const until = Date.now() + 10_000;
			while (id && !shows(id) && Date.now() < until) await new Promise((r) => setTimeout(r, 1));
			projection.unobserveDeep(onChange);
			const visible = id ? changes.find((c) => c.content.includes(id))?.at : undefined;
			if (visible === undefined) {
				failed++;
				continue;
			}
			afterCommit.push(Math.max(0, visible - committed));
			endToEnd.push(visible - sent);
		}
		afterCommit.sort((a, b) => a - b);
		endToEnd.sort((a, b) => a - b);
		return {
			database,
			bookings: BOOKINGS,
			failed,
			commit_to_visible_p50_ms: round(percentile(afterCommit, 50), 1),
			commit_to_visible_p99_ms: round(percentile(afterCommit, 99), 1),
			request_to_visible_p50_ms: round(percentile(endToEnd, 50), 1),
			request_to_visible_p99_ms: round(percentile(endToEnd, 99), 1)
		};
	} finally {
		watcher.destroy();
		await world.app.stop();
	}
}

const results = [await measure('pglite')];
if (process.env.DATABASE_URL) results.push(await measure('postgres'));
for (const result of results) console.log(JSON.stringify({ bench: 'calendar-visibility', ...result }));
process.exit(results.every((r) => r.failed === 0) ? 0 : 1);
