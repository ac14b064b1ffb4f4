import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { canonicalJson } from '../command';
import { AppError } from '../errors';
import { NOTE_CATEGORIES, readChartPlain, type ChartVitals, type NoteCategory } from '../../sync/contracts/chart';
import { bmi, impossibleVital, type VitalKey } from '../../visits/vitals';
import { readRichText } from './richText';
import { findIcd10 } from './icd10';

/**
 * The completed chart as the API shows it (`GET …/visits/{id}`), and what its content hash is
 * taken over: the same object whether it is read from the chart document at completion or from
 * the rows completion wrote.
 */
export type SnapshotPrescription = {
	id: string;
	lines: {
		medicineId: string;
		dose: string;
		frequency: string;
		durationDays: number;
		route: string;
		instructionsEn: string;
		instructionsUr: string;
		quantity: number;
	}[];
};

export type VisitSnapshot = {
	/** Measured values in the API's units; `bmi` is computed from weight and height. */
	vitals: ChartVitals & { bmi?: number };
	glucoseKind: 'fasting' | 'random' | null;
	complaint: string;
	complaintDuration: string;
	history: string;
	notes: Record<NoteCategory, string>;
	diagnoses: { code: string | null; title: string }[];
	plan: string;
	advice: string;
	reason: string;
	followUp: { inDays: number | null; note: string } | null;
	prescription: SnapshotPrescription | null;
};

/** What completion stores beside the snapshot: each note's ProseMirror JSON. */
export type ChartReading = { snapshot: VisitSnapshot; richNotes: Record<NoteCategory, unknown> };

/** Two decimals, as the observation rows keep them (so the snapshot read back hashes the same). */
const twoDecimals = (n: number) => Math.round(n * 100) / 100;

/** Reads a chart document into the snapshot's shape (the prescription is added by the caller). */
export function readChart(doc: Y.Doc): ChartReading {
	const { fields, vitals, diagnoses } = readChartPlain(doc);
	const measured: VisitSnapshot['vitals'] = {};
	for (const [key, value] of Object.entries(vitals) as [VitalKey, number][]) measured[key] = twoDecimals(value);
	const computed = bmi(measured.weightKg, measured.heightCm);
	if (computed !== null) measured.bmi = computed;
	const notes = {} as Record<NoteCategory, string>;
	const richNotes = {} as Record<NoteCategory, unknown>;
	for (const category of NOTE_CATEGORIES) {
		const read = readRichText(doc.getXmlFragment(category));
		notes[category] = read.text;
		richNotes[category] = read.rich;
	}
	const followUpDays = fields.followUpDays ?? null;
	const followUpNote = (fields.followUpNote ?? '').trim();
	const snapshot: VisitSnapshot = {
		vitals: measured,
		glucoseKind: measured.glucose !== undefined ? (fields.glucoseKind ?? 'random') : null,
		complaint: (fields.complaint ?? '').trim(),
		complaintDuration: (fields.complaintDuration ?? '').trim(),
		history: readRichText(doc.getXmlFragment('history')).text,
		notes,
		diagnoses: diagnoses.map((d) => ({ code: d.code, title: d.title.trim() })),
		plan: readRichText(doc.getXmlFragment('plan')).text,
		advice: readRichText(doc.getXmlFragment('advice')).text,
		reason: (fields.reason ?? '').trim(),
		followUp: followUpDays !== null || followUpNote ? { inDays: followUpDays, note: followUpNote } : null,
		prescription: null
	};
	return { snapshot, richNotes };
}

/** An impossible vital (a pulse of 900, a diastolic not below its systolic), named by its field. */
export function impossibleVitalError(vitals: ChartVitals, status: 400 | 422): AppError | null {
	const impossible = impossibleVital(vitals);
	if (!impossible) return null;
	const { key, min, max } = impossible;
	return new AppError('vital_impossible', status, `vitals.${key} must be between ${min} and ${max}`, `vitals.${key}`, { min, max });
}

/** "Complete visit" needs a diagnosis or a reason, and plausible vitals (its codes: `codedDiagnoses`). */
export function refuseIncompleteChart(snapshot: VisitSnapshot): void {
	const impossible = impossibleVitalError(snapshot.vitals, 422);
	if (impossible) throw impossible;
	if (snapshot.diagnoses.length === 0 && !snapshot.reason)
		throw new AppError('chart_incomplete', 422, 'A visit needs a diagnosis, or a reason why there is none', 'diagnoses');
	if (snapshot.followUp?.inDays != null && (!Number.isInteger(snapshot.followUp.inDays) || snapshot.followUp.inDays < 1 || snapshot.followUp.inDays > 730))
		throw new AppError('field_invalid', 422, 'The follow-up is a whole number of days from 1 to 730', 'followUp');
}

/**
 * The chart's diagnoses with their codes as the WHO writes them (`j069` → `J06.9`). Editors write
 * the chart document directly (the screen offers only codes of the list, but an older or broken
 * client may write anything), so completion checks every code again: one not in the shipped
 * ICD-10 list is refused (422 `icd10_code_unknown`, `diagnoses.N.code`) and the visit stays open.
 * A diagnosis without a code is free text, allowed beside coded ones.
 */
export function codedDiagnoses(diagnoses: VisitSnapshot['diagnoses']): VisitSnapshot['diagnoses'] {
	return diagnoses.map((d, position) => {
		if (!d.code?.trim()) return { code: null, title: d.title };
		const known = findIcd10(d.code);
		if (!known) throw new AppError('icd10_code_unknown', 422, `${d.code} is not an ICD-10 code of the list`, `diagnoses.${position}.code`, { code: d.code });
		return { code: known.code, title: d.title };
	});
}

/** SHA-256 of the snapshot's canonical JSON (keys sorted). */
export function snapshotHash(snapshot: VisitSnapshot): string {
	return createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
}

/** The chart's full state, as stored with the record. */
export const chartStateOf = (doc: Y.Doc) => Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64');
