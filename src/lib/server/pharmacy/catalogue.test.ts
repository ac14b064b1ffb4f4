import { describe, expect, it } from 'vitest';
import {
	ATC_CLASS,
	ATC_CODE,
	extendCatalogue,
	interactionsBetween,
	loadEssentialMedicines,
	loadInteractions,
	medicineKey,
	parseMedicinesCsv,
	searchMedicines,
	starterMedicines,
	type Medicine
} from './catalogue';
import essentialMedicinesData from './essentialMedicines.data.json';

const starter = starterMedicines();
const interactions = loadInteractions();

describe('the shipped essential-medicines list', () => {
	it('has at least 300 entries', () => {
		expect(starter.length).toBeGreaterThanOrEqual(300);
	});

	it('names the EML edition and the ATC source', () => {
		const { sources } = loadEssentialMedicines();
		expect(sources.essentialMedicines.name).toMatch(/WHO Model List of Essential Medicines/);
		expect(sources.essentialMedicines.edition).not.toBe('');
		expect(sources.atc.name).toMatch(/ATC/);
	});

	it('has a well-formed ATC code and class on every entry', () => {
		const bad = starter.filter((m) => !ATC_CODE.test(m.atc) || !ATC_CLASS.test(m.atcClass) || !m.atc.startsWith(m.atcClass));
		expect(bad).toEqual([]);
	});

	it('has no duplicate generic name + form + strength', () => {
		const keys = starter.map(medicineKey);
		const duplicates = keys.filter((k, i) => keys.indexOf(k) !== i);
		expect(duplicates).toEqual([]);
	});

	it.each([
		['amoxicillin', 'J01C'],
		['benzylpenicillin', 'J01C'],
		['phenoxymethylpenicillin', 'J01C'],
		['ceftriaxone', 'J01D'],
		['warfarin', 'B01A'],
		['ibuprofen', 'M01A'],
		['simvastatin', 'C10A']
	])('puts every systemic %s entry in class %s', (name, atcClass) => {
		// Ibuprofen injection is the neonatal ductus product, rightly filed under C01EB16.
		const found = starter.filter((m) => m.genericName === name && (m.route === 'oral' || m.route === 'parenteral') && m.atc !== 'C01EB16');
		expect(found.length).toBeGreaterThan(0);
		for (const m of found) expect(m.atcClass).toBe(atcClass);
	});

	it('chooses the eye code for eye drops and the skin code for creams', () => {
		const gentamicinDrops = starter.find((m) => m.genericName === 'gentamicin' && m.form === 'eye drops');
		const miconazoleCream = starter.find((m) => m.genericName === 'miconazole' && m.form === 'cream');
		expect(gentamicinDrops?.atc).toMatch(/^S01/);
		expect(miconazoleCream?.atc).toMatch(/^D01/);
	});

	it('refuses a data file with a malformed ATC code', () => {
		const [first, ...rest] = essentialMedicinesData.entries;
		const broken = { ...essentialMedicinesData, entries: [{ ...first, atc: 'J01CA4' }, ...rest] };
		expect(() => loadEssentialMedicines(broken)).toThrow();
	});
});

describe('searchMedicines', () => {
	const list: Medicine[] = [
		{ genericName: 'amoxicillin + clavulanic acid', form: 'tablet', strength: '500 mg + 125 mg', route: 'oral', atc: 'J01CR02', atcClass: 'J01C' },
		{ genericName: 'amoxicillin', form: 'tablet', strength: '500 mg', route: 'oral', atc: 'J01CA04', atcClass: 'J01C' },
		{ genericName: 'ampicillin', form: 'injection', strength: '500 mg', route: 'parenteral', atc: 'J01CA01', atcClass: 'J01C' },
		{ genericName: 'lamivudine + zidovudine', form: 'tablet', strength: '150 mg + 300 mg', route: 'oral', atc: 'J05AR01', atcClass: 'J05A' },
		{ genericName: 'zidovudine', form: 'capsule', strength: '100 mg', route: 'oral', atc: 'J05AF01', atcClass: 'J05A' }
	];
	const names = (q: string) => searchMedicines(q, list).map((m) => m.genericName);

	it.each([
		['an exact name first, then names starting with it', 'amoxicillin', ['amoxicillin', 'amoxicillin + clavulanic acid']],
		['a prefix', 'am', ['amoxicillin', 'amoxicillin + clavulanic acid', 'ampicillin']],
		['prefix matches before word-prefix matches', 'zido', ['zidovudine', 'lamivudine + zidovudine']],
		['a later word of a combination', 'clav', ['amoxicillin + clavulanic acid']],
		['any case and surrounding spaces', '  AMPICILLIN ', ['ampicillin']],
		['nothing for an empty query', '   ', []],
		['nothing for a name that is not there', 'xyz', []]
	])('finds %s', (_, q, expected) => {
		expect(names(q)).toEqual(expected);
	});

	it('searches the shipped list by default', () => {
		const found = searchMedicines('paracetamol');
		expect(found.length).toBeGreaterThan(0);
		expect(found[0].genericName).toBe('paracetamol');
		expect(found[0].atc).toBe('N02BE01');
	});
});

describe('interactionsBetween', () => {
	it('has at least 30 interactions, each with a source and well-formed codes', () => {
		expect(interactions.length).toBeGreaterThanOrEqual(30);
		for (const i of interactions) for (const code of [...i.a.atc, ...i.b.atc]) expect(ATC_CODE.test(code) || ATC_CLASS.test(code)).toBe(true);
	});

	it.each([
		['warfarin', 'B01AA03', 'ibuprofen', 'M01AE01', 'major'],
		['ibuprofen', 'M01AE01', 'warfarin', 'B01AA03', 'major'],
		['warfarin', 'B01AA03', 'metronidazole', 'P01AB01', 'major'],
		['simvastatin', 'C10AA01', 'clarithromycin', 'J01FA09', 'contraindicated'],
		['methotrexate', 'L01BA01', 'trimethoprim', 'J01EA01', 'major'],
		['enalapril', 'C09AA02', 'spironolactone', 'C03DA01', 'major'],
		['fluoxetine', 'N06AB03', 'tramadol', 'N02AX02', 'major'],
		['glyceryl trinitrate', 'C01DA02', 'sildenafil', 'G04BE03', 'contraindicated'],
		['clopidogrel', 'B01AC04', 'omeprazole', 'A02BC01', 'moderate']
	])('warns about %s (%s) with %s (%s)', (_a, atcA, _b, atcB, severity) => {
		const found = interactionsBetween(atcA, atcB);
		expect(found.map((i) => i.severity)).toContain(severity);
	});

	it.each([
		['paracetamol and amoxicillin', 'N02BE01', 'J01CA04'],
		['warfarin and paracetamol', 'B01AA03', 'N02BE01'],
		['a class prefix does not match a different class', 'B01AB01', 'M01AE01']
	])('finds nothing for %s', (_, atcA, atcB) => {
		expect(interactionsBetween(atcA, atcB)).toEqual([]);
	});

	it('finds the pair for every shipped drug that meets its partner class', () => {
		const warfarin = starter.find((m) => m.genericName === 'warfarin');
		const ibuprofen = starter.find((m) => m.genericName === 'ibuprofen' && m.form === 'tablet');
		expect(warfarin && ibuprofen && interactionsBetween(warfarin.atc, ibuprofen.atc).length).toBeGreaterThan(0);
	});
});

describe('a clinic extends the catalogue by CSV', () => {
	const header = 'genericName,form,strength,route,atc,atcClass';

	it('imports good rows, deriving a missing class from the code', () => {
		const result = parseMedicinesCsv(
			`${header}\r\nrosuvastatin,tablet,10 mg,oral,C10AA07,\n"amoxicillin + clavulanic acid",oral liquid,"228 mg/5 mL",oral,J01CR02,J01C\n`
		);
		expect(result).toEqual({
			ok: true,
			medicines: [
				{ genericName: 'rosuvastatin', form: 'tablet', strength: '10 mg', route: 'oral', atc: 'C10AA07', atcClass: 'C10A' },
				{ genericName: 'amoxicillin + clavulanic acid', form: 'oral liquid', strength: '228 mg/5 mL', route: 'oral', atc: 'J01CR02', atcClass: 'J01C' }
			]
		});
	});

	it.each([
		['a missing column', 'genericName,form,strength,route\nx,tablet,1 mg,oral', [{ line: 1, field: 'atc', code: 'field_required' }]],
		['a malformed ATC code', `${header}\nx,tablet,1 mg,oral,J01,`, [{ line: 2, field: 'atc', code: 'field_invalid' }]],
		['a form outside the set', `${header}\nx,syrup,1 mg,oral,J01CA04,`, [{ line: 2, field: 'form', code: 'choice_invalid' }]],
		['an empty name', `${header}\n,tablet,1 mg,oral,J01CA04,`, [{ line: 2, field: 'genericName', code: 'field_required' }]],
		['a class that does not contain the code', `${header}\nx,tablet,1 mg,oral,J01CA04,N02B`, [{ line: 2, field: 'atcClass', code: 'field_invalid' }]],
		['a duplicate row', `${header}\nx,tablet,1 mg,oral,J01CA04,\nX,tablet,1 mg,oral,J01CA04,`, [{ line: 3, field: 'genericName', code: 'conflict' }]],
		['an unclosed quote', `${header}\n"x,tablet,1 mg,oral,J01CA04,`, [{ line: 1, field: 'file', code: 'invalid_input' }]],
		['a control character', `${header}\nx\u0007,tablet,1 mg,oral,J01CA04,`, [{ line: 2, field: 'genericName', code: 'field_invalid' }]]
	])('imports nothing from a file with %s', (_, csv, problems) => {
		expect(parseMedicinesCsv(csv)).toEqual({ ok: false, problems });
	});

	it('adds clinic entries and lets them replace a starter entry with the same key', () => {
		const amoxicillin = starter.find((m) => m.genericName === 'amoxicillin' && m.strength === '500 mg');
		if (!amoxicillin) throw new Error('amoxicillin 500 mg is in the starter list');
		const local: Medicine = { ...amoxicillin, genericName: 'Amoxicillin', route: 'oral' };
		const added: Medicine = { genericName: 'rosuvastatin', form: 'tablet', strength: '10 mg', route: 'oral', atc: 'C10AA07', atcClass: 'C10A' };
		const extended = extendCatalogue(starter, [local, added]);
		expect(extended.length).toBe(starter.length + 1);
		expect(extended.filter((m) => medicineKey(m) === medicineKey(amoxicillin))).toEqual([local]);
	});
});
