/**
 * Trigram similarity as PostgreSQL's pg_trgm computes it: each word, lower-cased and padded
 * with two spaces before and one after, is cut into three-letter pieces; similarity is the
 * share of pieces two strings have in common. Computed here rather than in the database because
 * embedded PGlite answers pg_trgm's functions unreliably (wrong results, then a stuck insert).
 */
export function trigrams(value: string): Set<string> {
	const out = new Set<string>();
	for (const word of value.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
		if (!word) continue;
		const padded = `  ${word} `;
		for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
	}
	return out;
}

export function similarity(a: string, b: string): number {
	const x = trigrams(a);
	const y = trigrams(b);
	if (x.size === 0 || y.size === 0) return 0;
	let shared = 0;
	for (const t of x) if (y.has(t)) shared++;
	return shared / (x.size + y.size - shared);
}

/** The three-letter pieces inside the words of a query (no padding), for a LIKE prefilter. */
export function innerTrigrams(value: string): string[] {
	const out = new Set<string>();
	for (const word of value.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
		for (let i = 0; i + 3 <= word.length; i++) out.add(word.slice(i, i + 3));
	}
	return [...out];
}

/**
 * Four-letter pieces of each query word (a word of three letters is its own piece), for the
 * search's prefilter. A name worth offering shares at least two neighbouring trigrams with the
 * query; a single shared trigram ("kha", "han") matches most of a registry and made every search
 * rank nearly the whole table. A slip in one letter leaves the word's other pieces intact.
 */
export function prefilterPieces(value: string): string[] {
	const out = new Set<string>();
	for (const word of value.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
		if (word.length === 3) out.add(word);
		for (let i = 0; i + 4 <= word.length; i++) out.add(word.slice(i, i + 4));
	}
	return [...out];
}
