/**
 * Vital signs: what is possible (a value outside is refused as a typing error) and what is normal
 * for the patient's age (a value outside is flagged, never refused). Browser-safe: the chart screen
 * flags as the value is typed, the server refuses with the same limits.
 *
 * Normal ranges (facts, not code): adults from the American Heart Association's 2017 blood pressure
 * categories (normal below 120/80; flagged from 140/90, stage 2) and common adult references
 * (pulse 60–100, respiration 12–20, SpO2 ≥ 95 %, temperature 36.1–37.5 °C oral); children's pulse
 * and respiration from the Pediatric Advanced Life Support (PALS, AHA 2020) tables of normal
 * heart and respiratory rates by age; glucose from the American Diabetes Association's Standards of
 * Care (fasting 70–99 mg/dL; random below 140 mg/dL).
 */

export const VITAL_KEYS = ['systolic', 'diastolic', 'pulse', 'temperature', 'respiratoryRate', 'spo2', 'weightKg', 'heightCm', 'glucose'] as const;
export type VitalKey = (typeof VITAL_KEYS)[number];

/** The API's unit of each vital. */
export const VITAL_UNITS: Record<VitalKey, string> = {
	systolic: 'mmHg',
	diastolic: 'mmHg',
	pulse: '/min',
	temperature: '°C',
	respiratoryRate: '/min',
	spo2: '%',
	weightKg: 'kg',
	heightCm: 'cm',
	glucose: 'mg/dL'
};

/** Values no living patient has: refused as a typing error (in the API's units). */
export const POSSIBLE: Record<VitalKey, { min: number; max: number }> = {
	systolic: { min: 40, max: 300 },
	diastolic: { min: 20, max: 200 },
	pulse: { min: 20, max: 300 },
	temperature: { min: 25, max: 45 },
	respiratoryRate: { min: 4, max: 80 },
	spo2: { min: 50, max: 100 },
	weightKg: { min: 0.3, max: 350 },
	heightCm: { min: 20, max: 250 },
	glucose: { min: 10, max: 1500 }
};

export type ImpossibleVital = { key: VitalKey; min: number; max: number };

/** The first impossible value of a set, or a diastolic not below its systolic; null when all are possible. */
export function impossibleVital(vitals: Partial<Record<VitalKey, number>>): ImpossibleVital | null {
	for (const key of VITAL_KEYS) {
		const value = vitals[key];
		if (value === undefined) continue;
		const { min, max } = POSSIBLE[key];
		if (!Number.isFinite(value) || value < min || value > max) return { key, min, max };
	}
	const { systolic, diastolic } = vitals;
	if (systolic !== undefined && diastolic !== undefined && diastolic >= systolic) return { key: 'diastolic', min: POSSIBLE.diastolic.min, max: systolic - 1 };
	return null;
}

export type Flag = 'low' | 'high';

type Range = { low?: number; high?: number };

/** Normal pulse and respiration by age in years (PALS). */
function childRanges(ageYears: number): { pulse: Range; respiratoryRate: Range } {
	if (ageYears < 1) return { pulse: { low: 100, high: 160 }, respiratoryRate: { low: 30, high: 53 } };
	if (ageYears < 3) return { pulse: { low: 90, high: 150 }, respiratoryRate: { low: 22, high: 37 } };
	if (ageYears < 6) return { pulse: { low: 80, high: 140 }, respiratoryRate: { low: 20, high: 28 } };
	if (ageYears < 12) return { pulse: { low: 70, high: 120 }, respiratoryRate: { low: 18, high: 25 } };
	return { pulse: { low: 60, high: 100 }, respiratoryRate: { low: 12, high: 20 } };
}

/** The normal range of one vital for a patient of this age (null: age unknown, adult ranges). */
export function normalRange(key: VitalKey, ageYears: number | null, glucoseKind: 'fasting' | 'random' = 'random'): Range {
	const child = ageYears !== null && ageYears < 18 ? childRanges(ageYears) : null;
	switch (key) {
		case 'systolic':
			return child ? { low: 70 + 2 * Math.max(0, Math.floor(ageYears ?? 0)), high: 130 } : { low: 90, high: 139 };
		case 'diastolic':
			return child ? { low: 40, high: 85 } : { low: 60, high: 89 };
		case 'pulse':
			return child ? child.pulse : { low: 60, high: 100 };
		case 'respiratoryRate':
			return child ? child.respiratoryRate : { low: 12, high: 20 };
		case 'temperature':
			return { low: 36.1, high: 37.5 };
		case 'spo2':
			return { low: 95 };
		case 'glucose':
			return glucoseKind === 'fasting' ? { low: 70, high: 99 } : { low: 70, high: 139 };
		case 'weightKg':
		case 'heightCm':
			return {};
	}
}

/** 'low' or 'high' when the value is outside the normal range for the age; null when normal or not judged. */
export function vitalFlag(key: VitalKey, value: number, ageYears: number | null, glucoseKind: 'fasting' | 'random' = 'random'): Flag | null {
	const { low, high } = normalRange(key, ageYears, glucoseKind);
	if (low !== undefined && value < low) return 'low';
	if (high !== undefined && value > high) return 'high';
	return null;
}

/** Body-mass index (kg/m²) to one decimal, or null without both measures. */
export function bmi(weightKg: number | undefined, heightCm: number | undefined): number | null {
	if (!weightKg || !heightCm) return null;
	const metres = heightCm / 100;
	return Math.round((weightKg / (metres * metres)) * 10) / 10;
}

/** Temperatures are stored in °C; a clinic may show and take °F. */
export const celsiusToFahrenheit = (c: number) => Math.round(((c * 9) / 5) * 10 + 320) / 10;
export const fahrenheitToCelsius = (f: number) => Math.round((((f - 32) * 5) / 9) * 100) / 100;

/** Glucose: the API speaks mg/dL; mmol/L = mg/dL ÷ 18.016 (glucose's molar mass 180.16 g/mol). */
export const mgdlToMmol = (mgdl: number) => Math.round((mgdl / 18.016) * 10) / 10;
export const mmolToMgdl = (mmol: number) => Math.round(mmol * 18.016);
