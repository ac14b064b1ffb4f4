/**
 * ICD-10 look-up as doctors type, over the whole WHO list (12,000+ codes): codes typed a
 * character at a time (with and without the dot), title words typed letter by letter (one to
 * three words, in order and not), and misspelt words, which may find nothing. Measures the
 * search function itself, as the server runs it for GET /clinics/{code}/icd10; building the index
 * on first use is reported apart. Budget: p99 ≤ 20 ms.
 */
import { allIcd10Codes, normalise, searchIcd10 } from '../../src/lib/server/visits/icd10';
import { percentile, round } from './lib';

const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 4000);
const BUDGET_MS = 20;

// A fixed seed, so every run types the same queries.
let seed = 20261206;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];

function typedCode(code: string): string[] {
	const bare = code.replace('.', '');
	const out: string[] = [];
	for (let n = 2; n <= code.length; n++) out.push(code.slice(0, n));
	for (let n = 4; n <= bare.length; n++) out.push(bare.slice(0, n).toLowerCase());
	return out;
}

function typedWords(title: string): string[] {
	const words = normalise(title)
		.split(' ')
		.filter((w) => w.length > 2);
	if (words.length === 0) return [];
	const start = Math.floor(random() * words.length);
	const chosen = words.slice(start, start + 1 + Math.floor(random() * 3));
	if (random() < 0.3) chosen.reverse();
	const out: string[] = [];
	let typed = '';
	for (const word of chosen) {
		for (let n = 1; n <= word.length; n++) out.push((typed + word.slice(0, n)).trim());
		typed += `${word} `;
	}
	return out;
}

function misspelt(title: string): string[] {
	const word = pick(
		normalise(title)
			.split(' ')
			.filter((w) => w.length > 4)
	);
	if (!word) return [];
	const i = 1 + Math.floor(random() * (word.length - 2));
	const swapped = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
	return [swapped.slice(0, Math.max(3, i + 2)), swapped];
}

const building = performance.now();
searchIcd10('asthma');
const buildMs = performance.now() - building;

const codes = allIcd10Codes();
const queries: { kind: string; q: string }[] = [];
while (queries.length < SEARCHES) {
	const entry = pick(codes);
	const roll = random();
	if (roll < 0.3) for (const q of typedCode(entry.code)) queries.push({ kind: 'code', q });
	else if (roll < 0.85) for (const q of typedWords(entry.title)) queries.push({ kind: 'words', q });
	else for (const q of misspelt(entry.title)) queries.push({ kind: 'misspelt', q });
}
queries.length = SEARCHES;

const timings: { kind: string; ms: number; found: number }[] = [];
for (const { kind, q } of queries) {
	const started = performance.now();
	const found = searchIcd10(q);
	timings.push({ kind, ms: performance.now() - started, found: found.length });
}
const sorted = timings.map((t) => t.ms).sort((a, b) => a - b);
const byKind = Object.fromEntries(
	[...new Set(timings.map((t) => t.kind))].map((kind) => {
		const mine = timings.filter((t) => t.kind === kind);
		const ms = mine.map((t) => t.ms).sort((a, b) => a - b);
		return [
			kind,
			{
				searches: mine.length,
				p50_ms: round(percentile(ms, 50), 3),
				p99_ms: round(percentile(ms, 99), 3),
				hit_rate: round(mine.filter((t) => t.found > 0).length / mine.length)
			}
		];
	})
);
const p99 = percentile(sorted, 99);
console.log(
	JSON.stringify({
		bench: 'icd10-search',
		codes: codes.length,
		searches: timings.length,
		p50_ms: round(percentile(sorted, 50), 3),
		p99_ms: round(p99, 3),
		max_ms: round(sorted[sorted.length - 1], 3),
		budget_ms: BUDGET_MS,
		within_budget: p99 <= BUDGET_MS,
		index_build_ms: round(buildMs, 1),
		by_kind: byKind
	})
);
process.exit(p99 <= BUDGET_MS ? 0 : 1);
