import { describe, expect, it } from 'vitest';
import { atcForSubstance } from './allergyClasses';

describe('the ATC code an allergy is recorded with', () => {
	it.each([
		['Penicillin', 'J01C'],
		['penicillins', 'J01C'],
		['Cephalosporins', 'J01D'],
		['Sulfa drugs', 'J01E'],
		['sulphonamides', 'J01E'],
		['Macrolides', 'J01FA'],
		['fluoroquinolones', 'J01MA'],
		['NSAIDs', 'M01A'],
		['Opioids', 'N02A'],
		['ACE inhibitors', 'C09A']
	])('names the class of %s (%s)', (substance, atc) => {
		expect(atcForSubstance(substance)).toBe(atc);
	});

	it('gives a medicine of the WHO list its own code', () => {
		expect(atcForSubstance('Amoxicillin')).toBe('J01CA04');
		expect(atcForSubstance('ibuprofen')).toBe('M01AE01');
		expect(atcForSubstance('amoxicillin 500 mg capsules')).toBe('J01CA04');
	});

	it('finds nothing for what is not a medicine', () => {
		expect(atcForSubstance('Peanuts')).toBeNull();
		expect(atcForSubstance('Latex')).toBeNull();
		expect(atcForSubstance('  ')).toBeNull();
	});

	it('matches whole words only', () => {
		// "arb" is the ARB class; "rhubarb" is not.
		expect(atcForSubstance('rhubarb')).toBeNull();
		expect(atcForSubstance('ARBs')).toBe('C09C');
	});
});
