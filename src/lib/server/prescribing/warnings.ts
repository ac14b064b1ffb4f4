import { interactionsBetween, type Interaction } from '../pharmacy/catalogue';

/**
 * The warnings a prescription raises at the moment it is written. Pure: the command hands it the
 * lines' medicines and the patient's recorded allergies. Each warning has an id that depends only
 * on the prescription's content (`allergy:<medicineId>`, `duplicate:<medicineId>`,
 * `interaction:<idA>:<idB>` with the two ids sorted), so a doctor's override of it still names it
 * when the same prescription is sent again.
 */

export type PrescribedMedicine = { id: string; genericName: string; atcCode: string | null };
export type RecordedAllergy = { substance: string; atcCode: string | null; severity: 'mild' | 'moderate' | 'severe' };

export type Warning =
	| { id: string; kind: 'allergy'; medicine: PrescribedMedicine; allergies: RecordedAllergy[] }
	| { id: string; kind: 'duplicate'; medicine: PrescribedMedicine; other: PrescribedMedicine }
	| { id: string; kind: 'interaction'; medicines: [PrescribedMedicine, PrescribedMedicine]; interactions: Interaction[] };

/**
 * Allergies clinicians write by class name rather than by medicine, with the ATC classes they
 * mean, so "Penicillin" warns for amoxicillin even when the record has no ATC code.
 */
const ALLERGY_CLASSES: Record<string, readonly string[]> = {
	penicillin: ['J01C'],
	penicillins: ['J01C'],
	cephalosporin: ['J01DB', 'J01DC', 'J01DD', 'J01DE'],
	cephalosporins: ['J01DB', 'J01DC', 'J01DD', 'J01DE'],
	sulfa: ['J01E'],
	sulpha: ['J01E'],
	sulfonamide: ['J01E'],
	sulfonamides: ['J01E'],
	sulphonamides: ['J01E'],
	macrolide: ['J01FA'],
	macrolides: ['J01FA'],
	quinolone: ['J01M'],
	quinolones: ['J01M'],
	fluoroquinolones: ['J01MA'],
	tetracycline: ['J01AA'],
	tetracyclines: ['J01AA'],
	nsaid: ['M01A', 'N02BA'],
	nsaids: ['M01A', 'N02BA'],
	aspirin: ['N02BA01', 'B01AC06'],
	opioid: ['N02A'],
	opioids: ['N02A'],
	statin: ['C10AA'],
	statins: ['C10AA']
};

const words = (name: string) =>
	name
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter(Boolean);

/**
 * An allergy applies to a medicine by class (its ATC code falls under the allergy's code: J01C,
 * the penicillins, covers amoxicillin J01CA04; or the allergy names a class, "penicillin") or by substance (every word of what the clinician
 * wrote is a word of the generic name: "amoxicillin" covers "amoxicillin + clavulanic acid").
 */
export function allergyApplies(allergy: RecordedAllergy, medicine: PrescribedMedicine): boolean {
	if (allergy.atcCode && medicine.atcCode?.startsWith(allergy.atcCode.toUpperCase())) return true;
	const classes = ALLERGY_CLASSES[allergy.substance.trim().toLowerCase()] ?? [];
	if (medicine.atcCode && classes.some((c) => medicine.atcCode?.startsWith(c))) return true;
	const wanted = words(allergy.substance);
	if (wanted.length === 0) return false;
	const name = words(medicine.genericName);
	return wanted.every((w) => name.includes(w));
}

/** Every warning for these lines (in the order of the lines), given the patient's active allergies. */
export function prescriptionWarnings(
	lines: readonly PrescribedMedicine[],
	allergies: readonly RecordedAllergy[],
	between: (a: string, b: string) => Interaction[] = interactionsBetween
): Warning[] {
	const warnings: Warning[] = [];
	const seen = new Set<string>();
	const add = (w: Warning) => {
		if (seen.has(w.id)) return;
		seen.add(w.id);
		warnings.push(w);
	};
	for (const medicine of lines) {
		const matching = allergies.filter((a) => allergyApplies(a, medicine));
		if (matching.length > 0) add({ id: `allergy:${medicine.id}`, kind: 'allergy', medicine, allergies: matching });
	}
	lines.forEach((medicine, i) => {
		// The same medicine twice, or two entries of one substance (500 mg tablet and 250 mg/5 mL liquid).
		const earlier = lines.slice(0, i).find((o) => o.id === medicine.id || (o.atcCode !== null && o.atcCode.length === 7 && o.atcCode === medicine.atcCode));
		if (earlier) add({ id: `duplicate:${medicine.id}`, kind: 'duplicate', medicine, other: earlier });
	});
	const distinct = [...new Map(lines.map((m) => [m.id, m])).values()];
	for (let i = 0; i < distinct.length; i++) {
		for (let j = i + 1; j < distinct.length; j++) {
			const [a, b] = [distinct[i], distinct[j]].sort((x, y) => (x.id < y.id ? -1 : 1));
			if (!a.atcCode || !b.atcCode) continue;
			const found = between(a.atcCode, b.atcCode);
			if (found.length > 0) add({ id: `interaction:${a.id}:${b.id}`, kind: 'interaction', medicines: [a, b], interactions: found });
		}
	}
	return warnings;
}
