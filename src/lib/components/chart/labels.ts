import { m } from '$lib/paraglide/messages.js';
import type { RichSection } from '$lib/sync/contracts/chart';
import type { VitalKey } from '$lib/visits/vitals';

export function vitalLabel(key: VitalKey | string): string {
	const labels: Record<string, () => string> = {
		systolic: m.chart_vital_systolic,
		diastolic: m.chart_vital_diastolic,
		pulse: m.chart_vital_pulse,
		temperature: m.chart_vital_temperature,
		respiratoryRate: m.chart_vital_respiratory_rate,
		spo2: m.chart_vital_spo2,
		weightKg: m.chart_vital_weight,
		heightCm: m.chart_vital_height,
		glucose: m.chart_vital_glucose,
		bmi: m.chart_vital_bmi
	};
	return (labels[key] ?? (() => key))();
}

export function sectionLabel(section: RichSection | string): string {
	const labels: Record<string, () => string> = {
		history: m.chart_section_history,
		symptoms: m.chart_section_symptoms,
		observations: m.chart_section_observations,
		diagnosis: m.chart_section_diagnosis,
		treatment: m.chart_section_treatment,
		plan: m.chart_section_plan,
		advice: m.chart_section_advice,
		complaint: m.chart_complaint,
		reason: m.chart_reason,
		followUpNote: m.chart_follow_up_note,
		diagnoses: m.chart_diagnoses_title
	};
	return (labels[section] ?? (() => section))();
}

export const severityLabel = (severity: string) =>
	severity === 'severe' ? m.chart_severity_severe() : severity === 'moderate' ? m.chart_severity_moderate() : m.chart_severity_mild();

export const settingLabel = (setting: string) =>
	setting === 'home' ? m.chart_setting_home() : setting === 'phone' ? m.chart_setting_phone() : m.chart_setting_clinic();

export const statusLabel = (status: string) => (status === 'completed' ? m.chart_status_completed() : m.chart_status_open());
