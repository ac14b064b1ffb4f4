import * as z from 'zod/mini';
import type * as Y from 'yjs';
import { VITAL_KEYS, type VitalKey } from '../../visits/vitals';
import { SyncClose } from '../protocol';

/**
 * The contract of `visit/{visitId}/chart`, the one collaborative clinical document: how its Yjs
 * document is laid out, read by the chart screen, by `PATCH …/visits/{id}/chart` and by "complete
 * visit" (which snapshots it into Postgres). Browser-safe. Every value is in the API's units
 * (°C, kg, cm, mmHg, beats/min, breaths/min, %, mg/dL); the screens convert for the clinic.
 *
 * Layout (top-level shared types of the Y.Doc):
 * - `fields` (Y.Map): the short plain fields, `CHART_FIELDS` below.
 * - `vitals` (Y.Map<number>): keyed as `VITAL_KEYS`; a key absent means not measured.
 * - `diagnoses` (Y.Array<ChartDiagnosis>): in the doctor's order; `code` null for free text.
 * - one Y.XmlFragment per rich-text section, `RICH_SECTIONS`, edited with Tiptap (StarterKit
 *   schema); the server reads them with `@tiptap/y-tiptap` without a DOM.
 */

/**
 * Completion ("complete visit") is exact: the snapshot is the chart as the server's update log
 * holds it when the command commits, and the document is closed in the same transaction. An
 * update that reaches the server after that is not kept, and its writer is told, distinctly:
 * - the document is closed for that connection with the reason `CHART_COMPLETED_REASON`
 *   (close code `SyncClose.visitCompleted`, final: the provider does not retry);
 * - every other open connection becomes read-only and receives the stateless message
 *   `CHART_COMPLETED_MESSAGE`; so does anyone opening a completed visit's chart (an editor who
 *   was offline comes back to a read-only chart, and their unsent edits are not taken).
 * The chart screen keeps such late text as the draft of an addendum (`POST …/visits/{id}/addenda`).
 */
export const CHART_COMPLETED_REASON = SyncClose.visitCompleted.reason;
export const CHART_COMPLETED_MESSAGE = 'visit-completed';

/**
 * The completed visit's record changed (it was completed, or a signed addendum was added): the
 * commands publish the chart's name, and the sync server sends this stateless message to every
 * connection that has the closed chart open, so a completed chart on screen reads the visit again
 * and shows the new addendum without a reload (`CompletedChart.svelte`).
 */
export const CHART_RECORD_CHANGED_MESSAGE = 'visit-record-changed';

export const CHART_MAP = { fields: 'fields', vitals: 'vitals', diagnoses: 'diagnoses' } as const;

/** The notes by category, as the API names them (`notes.symptoms` …). */
export const NOTE_CATEGORIES = ['symptoms', 'observations', 'diagnosis', 'treatment'] as const;
export type NoteCategory = (typeof NOTE_CATEGORIES)[number];

/** Every rich-text section: the history of the present illness, the four note categories, the plan and the advice. */
export const RICH_SECTIONS = ['history', ...NOTE_CATEGORIES, 'plan', 'advice'] as const;
export type RichSection = (typeof RICH_SECTIONS)[number];

export const GLUCOSE_KINDS = ['fasting', 'random'] as const;

/** The plain fields of the `fields` map. */
export const chartFieldsContract = z.object({
	complaint: z.optional(z.string()),
	/** As written: "3 days", "since last week". */
	complaintDuration: z.optional(z.string()),
	/** Why there is no diagnosis (completion needs a diagnosis or a reason). */
	reason: z.optional(z.string()),
	glucoseKind: z.optional(z.enum(GLUCOSE_KINDS)),
	/** Follow-up in this many days (null: none asked). */
	followUpDays: z.optional(z.nullable(z.number())),
	followUpNote: z.optional(z.string())
});
export type ChartFields = z.infer<typeof chartFieldsContract>;

export const chartDiagnosisContract = z.object({
	/** Stable within the document, so two editors removing or reordering agree on which one. */
	id: z.string(),
	code: z.nullable(z.string()),
	title: z.string()
});
export type ChartDiagnosis = z.infer<typeof chartDiagnosisContract>;

export type ChartVitals = Partial<Record<VitalKey, number>>;

/** The plain (non-rich) part of a chart document as a screen reads it. */
export type ChartPlain = { fields: ChartFields; vitals: ChartVitals; diagnoses: ChartDiagnosis[] };

/** Reads the plain part of the chart; a value of the wrong shape (an older or broken client) is left out, never trusted. */
export function readChartPlain(doc: Y.Doc): ChartPlain {
	const fieldsRaw = doc.getMap(CHART_MAP.fields).toJSON();
	const parsedFields = chartFieldsContract.safeParse(fieldsRaw);
	const fields: ChartFields = parsedFields.success ? parsedFields.data : {};
	const vitals: ChartVitals = {};
	const vitalsMap = doc.getMap<unknown>(CHART_MAP.vitals);
	for (const key of VITAL_KEYS) {
		const value = vitalsMap.get(key);
		if (typeof value === 'number' && Number.isFinite(value)) vitals[key] = value;
	}
	const diagnoses: ChartDiagnosis[] = [];
	for (const item of doc.getArray<unknown>(CHART_MAP.diagnoses).toArray()) {
		const parsed = chartDiagnosisContract.safeParse(item);
		if (parsed.success && parsed.data.title.trim()) diagnoses.push(parsed.data);
	}
	return { fields, vitals, diagnoses };
}
