import { m } from '$lib/paraglide/messages.js';

/** The record's choices as the screens offer them (the server's schema is the rule). */
export const SEVERITY_CHOICES = ['mild', 'moderate', 'severe'] as const;
export type Severity = (typeof SEVERITY_CHOICES)[number];
export const BLOOD_GROUP_CHOICES = ['A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-'] as const;

const severityLabels: Record<Severity, () => string> = {
	mild: m.record_severity_mild,
	moderate: m.record_severity_moderate,
	severe: m.record_severity_severe
};

export const severityLabel = (severity: Severity) => severityLabels[severity]();

/** The name of each vital the API speaks of, with its unit, for the timeline, the chart and the summary. */
const vitalLabels: Record<string, () => string> = {
	systolic: m.vitals_systolic,
	diastolic: m.vitals_diastolic,
	pulse: m.vitals_pulse,
	temperature: m.vitals_temperature,
	respiratoryRate: m.vitals_respiratory_rate,
	spo2: m.vitals_spo2,
	weightKg: m.vitals_weight,
	heightCm: m.vitals_height,
	bmi: m.vitals_bmi,
	glucose: m.vitals_glucose
};

export const vitalLabel = (kind: string) => vitalLabels[kind]?.() ?? kind;

const qualifierLabels: Record<string, () => string> = { fasting: m.vitals_fasting, random: m.vitals_random };
export const qualifierLabel = (q: string | null) => (q ? (qualifierLabels[q]?.() ?? q) : '');

type Observation = { kind: string; value: number; unit: string; qualifier: string | null };

/** A temperature stored in °C, as the clinic reads it (°C or °F), to one decimal. */
function temperatureIn(celsius: number, unit: string): string {
	return unit === 'F' ? `${Math.round(((celsius * 9) / 5) * 10 + 320) / 10} °F` : `${celsius} °C`;
}

/**
 * Vitals as a short list: blood pressure as one "120/80 mmHg", the others each with their unit,
 * the temperature in the clinic's unit.
 */
export function vitalsList(vitals: readonly Observation[], temperatureUnit = 'C'): { label: string; value: string }[] {
	const out: { label: string; value: string }[] = [];
	const sys = vitals.find((v) => v.kind === 'systolic');
	const dia = vitals.find((v) => v.kind === 'diastolic');
	if (sys && dia) out.push({ label: m.vitals_blood_pressure(), value: `${sys.value}/${dia.value} ${sys.unit}` });
	for (const v of vitals) {
		if ((v.kind === 'systolic' || v.kind === 'diastolic') && sys && dia) continue;
		const qualifier = qualifierLabel(v.qualifier);
		const value = v.kind === 'temperature' ? temperatureIn(v.value, temperatureUnit) : `${v.value} ${v.unit}`;
		out.push({ label: vitalLabel(v.kind), value: `${value}${qualifier ? ` (${qualifier})` : ''}` });
	}
	return out;
}
