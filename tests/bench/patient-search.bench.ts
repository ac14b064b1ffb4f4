/**
 * Patient search at registry scale: 100,000 patients in one clinic (plus a neighbouring clinic,
 * so the clinic filter has something to exclude), then a few hundred searches as the desk types
 * them: name beginnings, misspelt full names, phone digits, references and national IDs.
 * PGlite in memory by default; a fresh PostgreSQL database when DATABASE_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/lib/server/db';
import { clinic } from '../../src/lib/server/db/schema';
import { patient } from '../../src/lib/server/db/schema/patients';
import { searchPatients } from '../../src/lib/server/patients/queries';
import { percentile, round } from './lib';

const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 100_000);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 400);
const BATCH = 1000;

const FIRST = [
	'Muhammad',
	'Ahmed',
	'Ali',
	'Hassan',
	'Hussain',
	'Bilal',
	'Usman',
	'Omar',
	'Imran',
	'Kashif',
	'Tariq',
	'Zubair',
	'Faisal',
	'Naveed',
	'Asif',
	'Shahid',
	'Fatima',
	'Ayesha',
	'Zainab',
	'Maryam',
	'Sana',
	'Hina',
	'Saima',
	'Nasreen',
	'Rubina',
	'Shazia',
	'Amna',
	'Iqra',
	'Mehwish',
	'Sadia',
	'Farah',
	'Bushra'
];
const LAST = [
	'Khan',
	'Ahmed',
	'Malik',
	'Butt',
	'Chaudhry',
	'Qureshi',
	'Sheikh',
	'Siddiqui',
	'Raza',
	'Abbasi',
	'Hashmi',
	'Mirza',
	'Baig',
	'Javed',
	'Iqbal',
	'Akhtar',
	'Rehman',
	'Shah',
	'Bukhari',
	'Gillani',
	'Awan',
	'Janjua',
	'Rana',
	'Bhatti',
	'Cheema',
	'Gondal',
	'Warraich',
	'Niazi',
	'Afridi',
	'Yousafzai',
	'Khattak',
	'Durrani'
];
const MIDDLE = ['', '', '', 'Bibi', 'Noor', 'Ul Haq', 'Ur Rehman', 'Jan', 'Din', 'Parveen', 'Sultana', 'Akram', 'Aslam', 'Latif', 'Kareem', 'Nawaz'];

let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');

type Row = { name: string; phone: string; nationalId: string; refNo: number };

function makeRow(i: number): Row {
	const name = [pick(FIRST), pick(MIDDLE), pick(LAST)].filter(Boolean).join(' ');
	return { name, phone: `+923${digits(9)}`, nationalId: `${digits(5)}-${digits(7)}-${digits(1)}`, refNo: 1000 + i };
}

async function fill(database: Database, clinicId: string, count: number): Promise<Row[]> {
	const rows: Row[] = [];
	for (let start = 0; start < count; start += BATCH) {
		const batch = Array.from({ length: Math.min(BATCH, count - start) }, (_, j) => makeRow(start + j));
		await database.db.insert(patient).values(
			batch.map((r) => ({
				clinicId,
				refNo: r.refNo,
				name: r.name,
				phone: r.phone,
				nationalId: r.nationalId,
				sex: pick(['male', 'female'] as const),
				dateOfBirth: `${1940 + Math.floor(random() * 80)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`
			}))
		);
		rows.push(...batch);
	}
	return rows;
}

/** A typing slip: two neighbouring letters swapped, or one dropped. */
function misspell(name: string): string {
	const at = 1 + Math.floor(random() * (name.length - 3));
	if (name[at] === ' ' || name[at + 1] === ' ') return name.slice(0, at) + name.slice(at + 1);
	return random() < 0.5 ? name.slice(0, at) + name[at + 1] + name[at] + name.slice(at + 2) : name.slice(0, at) + name.slice(at + 1);
}

function queries(rows: Row[], code: string): { kind: string; q: string }[] {
	const kinds: [string, () => string][] = [
		[
			'name_prefix',
			() =>
				pick(rows)
					.name.split(' ')[0]
					.slice(0, 3 + Math.floor(random() * 3))
		],
		['full_name', () => pick(rows).name],
		['misspelt_name', () => misspell(pick(rows).name)],
		['phone_tail', () => pick(rows).phone.slice(-7)],
		['phone_local', () => `0${pick(rows).phone.slice(3)}`],
		['ref', () => `${code}-P${pick(rows).refNo}`],
		['ref_short', () => String(pick(rows).refNo)],
		['national_id', () => pick(rows).nationalId]
	];
	return Array.from({ length: SEARCHES }, (_, i) => {
		const [kind, make] = kinds[i % kinds.length];
		return { kind, q: make() };
	});
}

async function openFresh(): Promise<{ database: Database; drop(): Promise<void> }> {
	const base = process.env.DATABASE_URL;
	if (!base) {
		const database = await openDatabase({ dataDir: null });
		return { database, drop: () => database.close() };
	}
	const { default: postgres } = await import('postgres');
	const admin = postgres(base, { max: 1, onnotice: () => {} });
	const name = `tabeeb_bench_${randomBytes(5).toString('hex')}`;
	await admin.unsafe(`CREATE DATABASE ${name}`);
	const url = new URL(base);
	url.pathname = `/${name}`;
	const database = await openDatabase({ url: url.toString() });
	return {
		database,
		drop: async () => {
			await database.close();
			await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await admin.end();
		}
	};
}

const { database, drop } = await openFresh();
try {
	const [home] = await database.db
		.insert(clinic)
		.values({ name: 'Bench Clinic', code: 'BEN01', country: 'PK', city: 'Lahore', timezone: 'Asia/Karachi', currency: 'PKR', currencyExponent: 2 })
		.returning();
	const [other] = await database.db
		.insert(clinic)
		.values({ name: 'Other Clinic', code: 'BEN02', country: 'PK', city: 'Lahore', timezone: 'Asia/Karachi', currency: 'PKR', currencyExponent: 2 })
		.returning();
	const loading = performance.now();
	const rows = await fill(database, home.id, PATIENTS);
	await fill(database, other.id, Math.round(PATIENTS / 10));
	const insertSeconds = (performance.now() - loading) / 1000;
	await database.db.execute(sql`ANALYZE patient`);

	const all = queries(rows, home.code);
	for (const { q } of all.slice(0, 20)) await searchPatients(database.db, home.id, q);
	const timings: { kind: string; ms: number; found: number }[] = [];
	for (const { kind, q } of all) {
		const started = performance.now();
		const found = await searchPatients(database.db, home.id, q);
		timings.push({ kind, ms: performance.now() - started, found: found.length });
	}
	const sorted = timings.map((t) => t.ms).sort((a, b) => a - b);
	const byKind = Object.fromEntries(
		[...new Set(timings.map((t) => t.kind))].map((kind) => {
			const mine = timings.filter((t) => t.kind === kind);
			const ms = mine.map((t) => t.ms).sort((a, b) => a - b);
			return [
				kind,
				{ p50_ms: round(percentile(ms, 50)), p99_ms: round(percentile(ms, 99)), hit_rate: round(mine.filter((t) => t.found > 0).length / mine.length) }
			];
		})
	);
	console.log(
		JSON.stringify({
			bench: 'patient-search',
			patients: PATIENTS,
			searches: timings.length,
			p50_ms: round(percentile(sorted, 50)),
			p99_ms: round(percentile(sorted, 99)),
			driver: database.driver,
			insert_seconds: round(insertSeconds, 1),
			by_kind: byKind
		})
	);
} finally {
	await drop();
}
process.exit(0);
