import { describe, expect, it } from 'vitest';
import { allergyApplies, prescriptionWarnings, type PrescribedMedicine } from './warnings';

const med = (id: string, genericName: string, atcCode: string | null): PrescribedMedicine => ({ id, genericName, atcCode });
const amoxicillin = med('m-amox', 'amoxicillin', 'J01CA04');
const coAmox = med('m-coamox', 'amoxicillin + clavulanic acid', 'J01CR02');
const amoxLiquid = med('m-amox-liq', 'amoxicillin', 'J01CA04');
const warfarin = med('m-warf', 'warfarin', 'B01AA03');
const ibuprofen = med('m-ibu', 'ibuprofen', 'M01AE01');
const paracetamol = med('m-para', 'paracetamol', 'N02BE01');
const penicillin = { substance: 'Penicillin', atcCode: 'J01C', severity: 'severe' as const };

describe('allergies', () => {
	it('warns for a medicine in the allergy’s ATC class (penicillins cover amoxicillin)', () => {
		expect(allergyApplies(penicillin, amoxicillin)).toBe(true);
		expect(allergyApplies(penicillin, coAmox)).toBe(true);
		expect(allergyApplies(penicillin, paracetamol)).toBe(false);
	});
	it('warns by a class name written without a code (penicillin, NSAIDs)', () => {
		expect(allergyApplies({ substance: 'Penicillin', atcCode: null, severity: 'severe' }, amoxicillin)).toBe(true);
		expect(allergyApplies({ substance: 'NSAIDs', atcCode: null, severity: 'mild' }, ibuprofen)).toBe(true);
		expect(allergyApplies({ substance: 'penicillin', atcCode: null, severity: 'mild' }, paracetamol)).toBe(false);
	});
	it('warns by substance when the allergy has no class', () => {
		const written = { substance: 'Amoxicillin', atcCode: null, severity: 'mild' as const };
		expect(allergyApplies(written, coAmox)).toBe(true);
		expect(allergyApplies({ ...written, substance: 'amox' }, amoxicillin)).toBe(false);
		expect(allergyApplies({ ...written, substance: '  ' }, amoxicillin)).toBe(false);
	});
	it('gives one warning per medicine with a stable id', () => {
		const warnings = prescriptionWarnings([amoxicillin, paracetamol], [penicillin, { substance: 'amoxicillin', atcCode: null, severity: 'mild' }]);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatchObject({ id: 'allergy:m-amox', kind: 'allergy' });
		if (warnings[0].kind === 'allergy') expect(warnings[0].allergies).toHaveLength(2);
	});
});

describe('duplicates', () => {
	it('warns for the same medicine twice, and for two entries of one substance', () => {
		expect(prescriptionWarnings([paracetamol, paracetamol], []).map((w) => w.id)).toEqual(['duplicate:m-para']);
		expect(prescriptionWarnings([amoxicillin, amoxLiquid], []).map((w) => w.id)).toEqual(['duplicate:m-amox-liq']);
		expect(prescriptionWarnings([amoxicillin, coAmox], [])).toEqual([]);
	});
});

describe('interactions', () => {
	it('warns for a shipped interaction, with the ids sorted whatever the order of the lines', () => {
		const one = prescriptionWarnings([warfarin, ibuprofen], []);
		const other = prescriptionWarnings([ibuprofen, warfarin], []);
		expect(one.map((w) => w.id)).toEqual(['interaction:m-ibu:m-warf']);
		expect(other.map((w) => w.id)).toEqual(one.map((w) => w.id));
	});
	it('stays quiet for medicines without codes or without a known interaction', () => {
		expect(prescriptionWarnings([paracetamol, med('x', 'herbal', null), ibuprofen], [])).toEqual([]);
	});
});
