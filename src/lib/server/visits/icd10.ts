import icd10Data from './icd10.data.json';

/**
 * ICD-10 look-up as the doctor types: the WHO ICD-10 2019 list in `icd10.data.json` (source,
 * edition and licence named in the file; `scripts/icd10-data.mjs` builds it), indexed once on
 * first use and searched in memory. Server-only: the file is 0.7 MB and is never sent to a browser.
 *
 * A query matches by code and by words, and the answer lists, at most `MAX_RESULTS`:
 * 1. the code itself (`J45`, `j45.9`, `J459`: case and the dot do not matter);
 * 2. codes that begin with it, in the classification's order (a category, then its subcategories);
 * 3. titles in which every word of the query begins some word of the title (`asth`, `diab mell 2`),
 *    whatever the case and accents (`sezary` finds "Sézary"). Titles whose matching words are whole
 *    words and come earlier rank higher; then shorter titles; then the classification's order.
 * A query shorter than two letters or digits (after dropping punctuation) finds nothing: one
 * letter would list a whole chapter and tell the doctor nothing.
 */

export type Icd10Code = { code: string; title: string };

export const MAX_RESULTS = 20;
export const MIN_QUERY_CHARS = 2;

type Entry = Icd10Code & { key: string; words: string[] };
/** `vocabulary` is every title word, sorted; `postings[w]` the entries whose title has `vocabulary[w]`. */
type Index = { entries: Entry[]; byKey: Map<string, number>; vocabulary: string[]; postings: number[][] };

/** The published list: source, edition and licence travel with the codes. */
export const icd10Source = {
	source: icd10Data.source,
	sourceCommit: icd10Data.sourceCommit,
	edition: icd10Data.edition,
	licence: icd10Data.licence,
	selection: icd10Data.selection
};

/** Every code of the list, in the classification's order. */
export function allIcd10Codes(): readonly Icd10Code[] {
	return index().entries;
}

let byCode: Map<string, Icd10Code> | null = null;

/** The code of the list as the WHO writes it, given with or without its dot and in any case; null when it is not in the list. */
export function findIcd10(code: string): Icd10Code | null {
	byCode ??= new Map(index().entries.map((entry) => [entry.code.replace('.', ''), entry]));
	return byCode.get(code.trim().toUpperCase().replace('.', '')) ?? null;
}

/** Lower case, accents removed, a possessive dropped ("Hodgkin's" → "hodgkin"), anything else not a letter or digit a space. */
export function normalise(text: string): string {
	return text
		.normalize('NFD')
		.replace(/\p{M}+/gu, '')
		.toLowerCase()
		.replace(/['’]s\b/g, '')
		.replace(/['’]/g, '')
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

const codeKey = (text: string) => text.toLowerCase().replace(/[\s.]+/g, '');
const looksLikeCode = (key: string) => /^[a-z][0-9]{1,4}$/.test(key);

/** Built on first use and never changed: a constant of the module, not a service (it holds nothing to close). */
let built: Index | undefined;

function index(): Index {
	if (built) return built;
	const entries: Entry[] = icd10Data.codes.map(([code, title]) => ({ code, title, key: codeKey(code), words: normalise(title).split(' ') }));
	const byKey = new Map<string, number>();
	const postings = new Map<string, number[]>();
	entries.forEach((entry, i) => {
		byKey.set(entry.key, i);
		for (const word of new Set(entry.words)) {
			const list = postings.get(word);
			if (list) list.push(i);
			else postings.set(word, [i]);
		}
	});
	const vocabulary = [...postings.keys()].sort();
	built = { entries, byKey, vocabulary, postings: vocabulary.map((word) => postings.get(word) ?? []) };
	return built;
}

/** The first position in the sorted `list` whose value is not before `prefix`. */
function lowerBound(list: readonly string[], prefix: string): number {
	let low = 0;
	let high = list.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if (list[mid] < prefix) low = mid + 1;
		else high = mid;
	}
	return low;
}

/** The vocabulary's words that begin with `prefix`, as a range of positions. */
function wordsBeginning(ix: Index, prefix: string): [number, number] {
	const from = lowerBound(ix.vocabulary, prefix);
	let to = from;
	while (to < ix.vocabulary.length && ix.vocabulary[to].startsWith(prefix)) to++;
	return [from, to];
}

/** Lower is better: for each query word, where its best title word stands, and one more when it only begins that word. */
function titleScore(words: readonly string[], query: readonly string[]): number {
	let score = 0;
	for (const q of query) {
		let best = Infinity;
		for (let i = 0; i < words.length && best > i * 2; i++) {
			if (words[i] === q) best = Math.min(best, i * 2);
			else if (words[i].startsWith(q)) best = Math.min(best, i * 2 + 1);
		}
		score += best;
	}
	return score;
}

function codeMatches(ix: Index, key: string): number[] {
	const out: number[] = [];
	const exact = ix.byKey.get(key);
	if (exact !== undefined) out.push(exact);
	// In the classification's order: a category, then its subcategories.
	for (let i = 0; i < ix.entries.length && out.length < MAX_RESULTS; i++) {
		if (i !== exact && ix.entries[i].key.startsWith(key)) out.push(i);
	}
	return out;
}

function titleMatches(ix: Index, query: readonly string[], skip: ReadonlySet<number>, room: number): number[] {
	// Start from the word with the fewest vocabulary words beginning with it, then keep the
	// entries whose titles also have a word beginning with each of the others.
	const ranges = query.map((q) => ({ q, range: wordsBeginning(ix, q) }));
	ranges.sort((a, b) => a.range[1] - a.range[0] - (b.range[1] - b.range[0]));
	const [first, ...rest] = ranges;
	const seen = new Set<number>();
	for (let w = first.range[0]; w < first.range[1]; w++) for (const i of ix.postings[w]) seen.add(i);
	const candidates = [...seen].filter((i) => !skip.has(i) && rest.every(({ q }) => ix.entries[i].words.some((word) => word.startsWith(q))));
	const scored = candidates.map((i) => ({ i, score: titleScore(ix.entries[i].words, query), length: ix.entries[i].title.length }));
	scored.sort((a, b) => a.score - b.score || a.length - b.length || a.i - b.i);
	return scored.slice(0, room).map((s) => s.i);
}

/** The best matches for what the doctor has typed so far, at most `MAX_RESULTS`, best first. */
export function searchIcd10(query: string): Icd10Code[] {
	const words = [...new Set(normalise(query).split(' ').filter(Boolean))];
	if (words.join('').length < MIN_QUERY_CHARS) return [];
	const ix = index();
	const key = codeKey(query);
	const byCode = looksLikeCode(key) ? codeMatches(ix, key) : [];
	const byTitle = byCode.length < MAX_RESULTS ? titleMatches(ix, words, new Set(byCode), MAX_RESULTS - byCode.length) : [];
	return [...byCode, ...byTitle].map((i) => ({ code: ix.entries[i].code, title: ix.entries[i].title }));
}
