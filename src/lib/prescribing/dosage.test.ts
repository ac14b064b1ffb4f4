import { describe, expect, it } from 'vitest';
import { computeQuantity, instructionsEn, instructionsUr, parseDose, parseFrequency } from './dosage';

const tablet = { form: 'tablet', strength: '500 mg' };
const liquid = { form: 'oral liquid', strength: '250 mg/5 mL' };

describe('reading a frequency', () => {
	it.each([
		['1+0+1', 2],
		['1-0-1', 2],
		['1+1+1', 3],
		['1+1+1+1', 4],
		['0+0+1', 1],
		['½+0+½', 1],
		['1 + 0 + 1', 2],
		['OD', 1],
		['od', 1],
		['BD', 2],
		['B.D.', 2],
		['BID', 2],
		['TDS', 3],
		['TID', 3],
		['QID', 4],
		['HS', 1],
		['Q8H', 3],
		['q6h', 4]
	])('reads %s as %d doses a day', (text, perDay) => {
		expect(parseFrequency(text)?.perDay).toBe(perDay);
	});

	it.each(['SOS', 'PRN', 'prn'])('reads %s as when needed, with no daily count', (text) => {
		expect(parseFrequency(text)).toEqual({ kind: 'asNeeded', perDay: null });
	});

	it.each(['', 'twice', '1', '0+0+0', '1+1+1+1+1', 'Q7H', '1+x+1', '11+0+1'])('refuses %j', (text) => {
		expect(parseFrequency(text)).toBeNull();
	});
});

describe('reading a dose', () => {
	it.each([
		['1 tablet', 1, 'tablet'],
		['2 caps', 2, 'capsule'],
		['½ tablet', 0.5, 'tablet'],
		['1/2 tab', 0.5, 'tablet'],
		['1½ tablets', 1.5, 'tablet'],
		['5 mL', 5, 'mL'],
		['2 puffs', 2, 'puff']
	])('reads %s', (text, amount, unit) => {
		expect(parseDose(text)).toMatchObject({ amount, unit: { en: [unit, expect.any(String)] } });
	});
	it('keeps a strength unit uncounted', () => {
		expect(parseDose('500 mg')).toMatchObject({ amount: 500, unit: null, unitText: 'mg' });
		expect(parseDose('apply thinly')).toBeNull();
	});
});

describe('the quantity dispensed', () => {
	it.each([
		['1 tablet', '1+0+1', 5, tablet, 10],
		['1 tablet', 'TDS', 7, tablet, 21],
		['2 caps', 'BD', 3, tablet, 12],
		['½ tablet', 'OD', 5, tablet, 2.5],
		['½ tablet', 'OD', 3, tablet, 1.5],
		['1 tablet', '1+1+1+1', 2, tablet, 8],
		['500 mg', 'TDS', 5, tablet, 15],
		['1 g', 'BD', 5, tablet, null],
		['5 mL', 'TDS', 5, liquid, 75],
		['250 mg', 'TDS', 5, liquid, null],
		['1 tablet', 'SOS', 5, tablet, null],
		['1 tablet', 'nonsense', 5, tablet, null]
	])('%s %s for %d days is %s', (dose, frequency, days, medicine, quantity) => {
		expect(computeQuantity(dose, frequency, days, medicine)).toBe(quantity);
	});
});

describe('instructions to the patient', () => {
	it('words the frequency and duration in English', () => {
		expect(instructionsEn('1 tablet', 'BD', 5)).toBe('1 tablet twice a day for 5 days');
		expect(instructionsEn('1 tablet', '1+0+1', 5)).toBe('1 in the morning, 1 at night (tablets) for 5 days');
		expect(instructionsEn('2 puffs', 'SOS', 1)).toBe('2 puffs when needed, for up to 1 day');
	});
	it('words them in Urdu', () => {
		expect(instructionsUr('1 tablet', 'BD', 5)).toBe('1 گولی دن میں دو بار، 5 دن تک');
		expect(instructionsUr('1 tablet', '1+0+1', 5)).toBe('صبح 1 گولی، رات 1 گولی، 5 دن تک');
		expect(instructionsUr('1 tablet', 'HS', 30)).toBe('1 گولی رات سونے سے پہلے، 30 دن تک');
		expect(instructionsUr('1 tablet', 'PRN', 3)).toBe('1 گولی ضرورت پڑنے پر، زیادہ سے زیادہ 3 دن تک');
		expect(instructionsUr('500 mg', 'TDS', 5)).toBe('\u200E500 mg\u200F دن میں تین بار، 5 دن تک');
	});
});
