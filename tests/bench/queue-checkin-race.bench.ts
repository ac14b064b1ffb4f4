/**
 * 100 check-ins at once in one clinic: every one gets a token, and the numbers are exactly
 * 1…100 (distinct, consecutive, no gaps). Prints what it found and how long it took; on
 * PGlite the commands run one at a time, so run it with DATABASE_URL for real concurrency.
 */
import { openDatabase, setDatabase } from '../../src/lib/server/db';
import { patient } from '../../src/lib/server/db/schema';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { makeClinic, makeMember, rand } from '../factories';
import { round } from './lib';

const CHECKINS = Number(process.env.BENCH_CHECKINS ?? 100);
const database = await openDatabase({ url: process.env.DATABASE_URL || undefined, dataDir: null });
setDatabase(database);
const { db } = database;
const clinic = await makeClinic(db);
const desks = await Promise.all([0, 1, 2, 3].map(() => makeMember(db, clinic.id, 'reception')));
const patients = await db
	.insert(patient)
	.values(Array.from({ length: CHECKINS }, (_, i) => ({ clinicId: clinic.id, refNo: i + 1, name: `Race Patient ${i}` })))
	.returning({ id: patient.id });

const started = process.hrtime.bigint();
const results = await Promise.allSettled(
	patients.map((p, i) => {
		const desk = desks[i % desks.length];
		return checkInPatient(db, { clinicId: clinic.id, actor: { userId: desk.id, role: 'reception' } }, { patientId: p.id, idempotencyKey: `race-${rand(8)}` });
	})
);
const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
const numbers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.number] : [])).sort((a, b) => a - b);
const distinct = new Set(numbers).size;
const gaps = numbers.length ? numbers[numbers.length - 1] - numbers[0] + 1 - distinct : 0;
console.log(
	JSON.stringify({
		bench: 'queue-checkin-race',
		database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
		checkins: CHECKINS,
		succeeded: numbers.length,
		distinct,
		duplicates: numbers.length - distinct,
		gaps,
		first: numbers[0] ?? null,
		last: numbers[numbers.length - 1] ?? null,
		consecutive_from_1: numbers.every((n, i) => n === i + 1) && numbers.length === CHECKINS,
		elapsed_ms: round(elapsed),
		per_checkin_ms: round(elapsed / CHECKINS)
	})
);
await database.close();
process.exit(numbers.length === CHECKINS && distinct === CHECKINS ? 0 : 1);
