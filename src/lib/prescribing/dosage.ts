/**
 * How a prescription line's dose, frequency and duration are read, how many units it dispenses,
 * and how its instructions read in English and Urdu. Pure: the prescribing command and the
 * prescribing screen call it; nothing here touches the database.
 *
 * Frequency is written as doctors in Pakistan write it:
 * - the South Asian dose pattern `1+0+1` (or `1-0-1`): doses in the morning, afternoon (and
 *   evening, with four parts) and night; halves are `½` or `.5`;
 * - the Latin abbreviations OD, BD, TDS, QID, HS (and BID, TID, QDS), `Q6H` (every 6 hours);
 * - SOS / PRN (when needed): no daily count, so no quantity is computed; the doctor gives it.
 *
 * Quantity is counted in the dose's own unit: "1 tablet" BD for 5 days is 10 (tablets), "5 mL"
 * TDS for 5 days is 75 (mL). A dose written in the medicine's strength unit ("500 mg" of a
 * 500 mg capsule) counts as that many tablets or capsules. Anything else ("2 drops in each eye",
 * "apply thinly") computes nothing, and the doctor types the quantity.
 */

export type Frequency =
	| { kind: 'pattern'; parts: number[]; perDay: number }
	| { kind: 'code'; code: 'OD' | 'BD' | 'TDS' | 'QID' | 'HS'; perDay: number }
	| { kind: 'interval'; hours: number; perDay: number }
	| { kind: 'asNeeded'; perDay: null };

const CODES: Record<string, { code: 'OD' | 'BD' | 'TDS' | 'QID' | 'HS'; perDay: number }> = {
	OD: { code: 'OD', perDay: 1 },
	QD: { code: 'OD', perDay: 1 },
	BD: { code: 'BD', perDay: 2 },
	BID: { code: 'BD', perDay: 2 },
	TDS: { code: 'TDS', perDay: 3 },
	TID: { code: 'TDS', perDay: 3 },
	QID: { code: 'QID', perDay: 4 },
	QDS: { code: 'QID', perDay: 4 },
	HS: { code: 'HS', perDay: 1 }
};

const FRACTIONS: Record<string, number> = { '½': 0.5, '¼': 0.25, '¾': 0.75 };

/** A number as a doctor writes one: `1`, `1.5`, `½`, `1½`, `1/2`. Null when it is not one. */
export function readAmount(text: string): number | null {
	const t = text.trim();
	const mixed = /^(\d+)?\s*([½¼¾])$/.exec(t);
	if (mixed) return Number(mixed[1] ?? 0) + FRACTIONS[mixed[2]];
	const fraction = /^(\d+)\/(\d+)$/.exec(t);
	if (fraction) return Number(fraction[2]) === 0 ? null : Number(fraction[1]) / Number(fraction[2]);
	if (/^\d+(\.\d+)?$|^\.\d+$/.test(t)) return Number(t);
	return null;
}

/** The frequency as written, or null when it is none of the accepted notations. */
export function parseFrequency(text: string): Frequency | null {
	const t = text.trim().toUpperCase().replace(/\s+/g, '');
	if (t === '') return null;
	if (t === 'SOS' || t === 'PRN') return { kind: 'asNeeded', perDay: null };
	const code = CODES[t.replace(/\./g, '')];
	if (code) return { kind: 'code', ...code };
	const interval = /^Q(\d{1,2})H$/.exec(t);
	if (interval) {
		const hours = Number(interval[1]);
		if (hours < 1 || hours > 24 || 24 % hours !== 0) return null;
		return { kind: 'interval', hours, perDay: 24 / hours };
	}
	const separator = t.includes('+') ? '+' : '-';
	const pieces = t.split(separator);
	if (pieces.length < 2 || pieces.length > 4) return null;
	const parts = pieces.map(readAmount);
	if (parts.some((p) => p === null || p > 10)) return null;
	const amounts = parts.filter((p): p is number => p !== null);
	const perDay = amounts.reduce((a, b) => a + b, 0);
	if (perDay === 0) return null;
	return { kind: 'pattern', parts: amounts, perDay };
}

/** The units a dose counts in, with their English singular and Urdu names. */
const UNITS: { words: RegExp; en: [string, string]; ur: string }[] = [
	{ words: /^(tablets?|tabs?|tab\.)$/i, en: ['tablet', 'tablets'], ur: 'گولی' },
	{ words: /^(capsules?|caps?|cap\.)$/i, en: ['capsule', 'capsules'], ur: 'کیپسول' },
	{ words: /^(puffs?)$/i, en: ['puff', 'puffs'], ur: 'کش' },
	{ words: /^(sachets?)$/i, en: ['sachet', 'sachets'], ur: 'ساشے' },
	{ words: /^(suppositor(y|ies))$/i, en: ['suppository', 'suppositories'], ur: 'بتی' },
	{ words: /^(pessar(y|ies))$/i, en: ['pessary', 'pessaries'], ur: 'بتی' },
	{ words: /^(patch(es)?)$/i, en: ['patch', 'patches'], ur: 'پیچ' },
	{ words: /^(vials?|ampoules?|amps?)$/i, en: ['ampoule', 'ampoules'], ur: 'ٹیکہ' },
	{ words: /^(injections?|inj\.?)$/i, en: ['injection', 'injections'], ur: 'ٹیکہ' },
	{ words: /^(ml|mls)$/i, en: ['mL', 'mL'], ur: 'ملی لیٹر' },
	{ words: /^(tsp|teaspoons?)$/i, en: ['teaspoon', 'teaspoons'], ur: 'چمچ' }
];

export type Dose = { amount: number; unit: (typeof UNITS)[number] | null; unitText: string };

/** "1 tablet", "½ tab", "2 caps", "5 mL", "500 mg": the amount and its unit; null when it does not start with an amount. */
export function parseDose(text: string): Dose | null {
	const match = /^\s*(\d+\s*[½¼¾]|[½¼¾]|\d+\/\d+|\d*\.?\d+)\s*(.*?)\s*$/.exec(text);
	if (!match) return null;
	const amount = readAmount(match[1].replace(/\s+/g, ''));
	if (amount === null || amount <= 0) return null;
	const unitText = match[2];
	return { amount, unitText, unit: UNITS.find((u) => u.words.test(unitText)) ?? null };
}

const FORM_UNIT: Record<string, string> = {
	tablet: 'tablet',
	capsule: 'capsule',
	suppository: 'suppository',
	pessary: 'pessary',
	'transdermal patch': 'patch'
};

/**
 * The units one dose takes: a count unit as written, or a dose in the strength's own unit of a
 * solid form ("500 mg" of a "500 mg" tablet is 1 tablet). Null when it cannot be counted.
 */
export function unitsPerDose(dose: string, medicine: { form: string; strength: string }): number | null {
	const parsed = parseDose(dose);
	if (!parsed) return null;
	if (parsed.unit) return parsed.amount;
	if (!FORM_UNIT[medicine.form]) return null;
	const strength = /^\s*(\d*\.?\d+)\s*([a-zµ]+)\s*$/i.exec(medicine.strength);
	if (!strength || strength[2].toLowerCase() !== parsed.unitText.toLowerCase()) return null;
	const perUnit = Number(strength[1]);
	return perUnit > 0 ? parsed.amount / perUnit : null;
}

/** Units dispensed: per dose × doses a day × days, rounded up to a whole half unit; null for SOS/PRN or an uncounted dose. */
export function computeQuantity(dose: string, frequency: string, durationDays: number, medicine: { form: string; strength: string }): number | null {
	const freq = parseFrequency(frequency);
	const units = unitsPerDose(dose, medicine);
	if (!freq || freq.perDay === null || units === null) return null;
	return Math.ceil(units * freq.perDay * durationDays * 2) / 2;
}

const amountText = (n: number) => (Number.isInteger(n) ? String(n) : n === 0.5 ? '½' : String(n));

const PATTERN_TIMES_EN: Record<number, string[]> = {
	2: ['in the morning', 'at night'],
	3: ['in the morning', 'in the afternoon', 'at night'],
	4: ['in the morning', 'in the afternoon', 'in the evening', 'at night']
};
const PATTERN_TIMES_UR: Record<number, string[]> = {
	2: ['صبح', 'رات'],
	3: ['صبح', 'دوپہر', 'رات'],
	4: ['صبح', 'دوپہر', 'شام', 'رات']
};

const CODE_EN: Record<string, string> = {
	OD: 'once a day',
	BD: 'twice a day',
	TDS: 'three times a day',
	QID: 'four times a day',
	HS: 'at bedtime'
};
const CODE_UR: Record<string, string> = {
	OD: 'دن میں ایک بار',
	BD: 'دن میں دو بار',
	TDS: 'دن میں تین بار',
	QID: 'دن میں چار بار',
	HS: 'رات سونے سے پہلے'
};

function doseEn(dose: string): string {
	const parsed = parseDose(dose);
	if (!parsed?.unit) return dose.trim();
	return `${amountText(parsed.amount)} ${parsed.amount > 1 ? parsed.unit.en[1] : parsed.unit.en[0]}`;
}

function doseUr(dose: string): string {
	const parsed = parseDose(dose);
	// A dose in a unit Urdu readers know by its Latin letters (mg) keeps them, marked left-to-right.
	if (!parsed?.unit) return `\u200E${dose.trim()}\u200F`;
	return `${amountText(parsed.amount)} ${parsed.unit.ur}`;
}

/** "1 tablet twice a day for 5 days"; the frequency as written when it is not understood. */
export function instructionsEn(dose: string, frequency: string, durationDays: number): string {
	const freq = parseFrequency(frequency);
	const days = `for ${durationDays} ${durationDays === 1 ? 'day' : 'days'}`;
	if (!freq) return `${doseEn(dose)} ${frequency.trim()} ${days}`;
	switch (freq.kind) {
		case 'pattern': {
			const times = freq.parts.map((p, i) => (p > 0 ? `${amountText(p)} ${PATTERN_TIMES_EN[freq.parts.length][i]}` : null)).filter(Boolean);
			const unit = parseDose(dose)?.unit;
			const each = unit ? ` (${unit.en[1]})` : ` of ${dose.trim()}`;
			return `${times.join(', ')}${each} ${days}`;
		}
		case 'code':
			return `${doseEn(dose)} ${CODE_EN[freq.code]} ${days}`;
		case 'interval':
			return `${doseEn(dose)} every ${freq.hours} hours ${days}`;
		case 'asNeeded':
			return `${doseEn(dose)} when needed, for up to ${durationDays} ${durationDays === 1 ? 'day' : 'days'}`;
	}
}

/** The same in Urdu: "1 گولی دن میں دو بار، 5 دن تک". */
export function instructionsUr(dose: string, frequency: string, durationDays: number): string {
	const freq = parseFrequency(frequency);
	const days = `${durationDays} دن تک`;
	if (!freq) return `${doseUr(dose)}، \u200E${frequency.trim()}\u200F، ${days}`;
	switch (freq.kind) {
		case 'pattern': {
			const unit = parseDose(dose)?.unit;
			const times = freq.parts
				.map((p, i) => (p > 0 ? `${PATTERN_TIMES_UR[freq.parts.length][i]} ${amountText(p)}${unit ? ` ${unit.ur}` : ''}` : null))
				.filter(Boolean);
			return `${times.join('، ')}، ${days}`;
		}
		case 'code':
			return `${doseUr(dose)} ${CODE_UR[freq.code]}، ${days}`;
		case 'interval':
			return `${doseUr(dose)} ہر ${freq.hours} گھنٹے بعد، ${days}`;
		case 'asNeeded':
			return `${doseUr(dose)} ضرورت پڑنے پر، زیادہ سے زیادہ ${days}`;
	}
}
