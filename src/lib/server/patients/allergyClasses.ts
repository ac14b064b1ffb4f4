import { z } from 'zod';
import { starterMedicines, type Medicine } from '../pharmacy/catalogue';
import classesData from './allergyClasses.data.json';

/**
 * The ATC code an allergy is recorded with, so prescribing can warn by class (a penicillin
 * allergy warns for amoxicillin, J01CA04 under J01C). From what the clinician wrote:
 * 1. a medicine of the WHO list named exactly ("Amoxicillin") gets its own code;
 * 2. a well-known class named as a whole word or phrase ("penicillins", "sulfa drugs", "NSAIDs")
 *    gets the class's code, from `allergyClasses.data.json` (WHO ATC/DDD Index);
 * 3. a medicine of the list named within the text ("amoxicillin 500 mg") gets its code.
 * Anything else (foods, latex, dust) has no code and warns by substance only.
 */

const classesFile = z.object({
	source: z.object({ name: z.string(), edition: z.string() }),
	classes: z.array(z.object({ atc: z.string(), title: z.string(), words: z.array(z.string().min(1)).min(1) }))
});

type Known = { atc: string; phrase: string };
let known: { classes: Known[]; medicines: Known[] } | undefined;

const normalise = (text: string) =>
	text
		.toLowerCase()
		.replace(/[^\p{L}\p{N}+-]+/gu, ' ')
		.trim();

function table() {
	if (known) return known;
	const classes = classesFile.parse(classesData).classes.flatMap((c) => c.words.map((w) => ({ atc: c.atc, phrase: normalise(w) })));
	// One name, several forms: most share the substance's code, and a few special uses have their
	// own (ibuprofen for a neonate's ductus is C01EB16). The code most of its entries carry wins.
	const codes = new Map<string, Map<string, number>>();
	for (const m of starterMedicines() as readonly Medicine[]) {
		const phrase = normalise(m.genericName);
		const counts = codes.get(phrase) ?? new Map<string, number>();
		counts.set(m.atc, (counts.get(m.atc) ?? 0) + 1);
		codes.set(phrase, counts);
	}
	const commonest = (counts: Map<string, number>) => [...counts].reduce((best, next) => (next[1] > best[1] ? next : best))[0];
	const medicines = [...codes].map(([phrase, counts]) => ({ phrase, atc: commonest(counts) }));
	// Longer names first, so "sodium valproate" wins over "sodium".
	const byLength = (a: Known, b: Known) => b.phrase.length - a.phrase.length;
	known = { classes: classes.sort(byLength), medicines: medicines.sort(byLength) };
	return known;
}

const containsPhrase = (text: string, phrase: string) => ` ${text} `.includes(` ${phrase} `);

/** The ATC code of a medicine or class the substance names, or null. */
export function atcForSubstance(substance: string): string | null {
	const text = normalise(substance);
	if (!text) return null;
	const { classes, medicines } = table();
	const exact = medicines.find((m) => m.phrase === text);
	if (exact) return exact.atc;
	const byClass = classes.find((c) => containsPhrase(text, c.phrase));
	if (byClass) return byClass.atc;
	return medicines.find((m) => containsPhrase(text, m.phrase))?.atc ?? null;
}
