import * as Y from 'yjs';
import type { Db } from '../db';
import { optionalIdempotency, runCommand } from '../command';
import { forbidden } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { documentsChanged } from '../sync/changes';
import { appendLockedUpdate, lockCollaborativeDocument } from '../sync/persistence';
import { CHART_MAP, NOTE_CATEGORIES, readChartPlain, type ChartVitals } from '../../sync/contracts/chart';
import { VITAL_KEYS } from '../../visits/vitals';
import { can } from './policy';
import { chartPatchInput, type ChartPatch } from './schema';
import { auditVisit, chartName, findVisit, lockVisit } from './common';
import { impossibleVitalError, readChart, type VisitSnapshot } from './snapshot';
import { writePlainText } from './richText';
import { visitCompleted } from './completeVisit';

/** Plain fields of the patch and the key each has in the chart's `fields` map. */
const PLAIN_FIELDS = ['complaint', 'complaintDuration', 'reason', 'glucoseKind'] as const;
const RICH_FIELDS = ['history', 'plan', 'advice'] as const;

/**
 * `PATCH …/visits/{id}/chart` (a vitals monitor, an integration): writes into the live chart
 * through the same log and the same lock as completion. Under the visit's and the document's
 * locks it reads the logged state, applies the patch to a copy, refuses an impossible result
 * (`vitals.pulse`, 400) or a completed visit (409 `visit_completed`), appends the difference to
 * the log, and publishes the chart's name: a sync server holding it takes the update from the log
 * (sync-server persistence `refresh`), so people editing see it arrive. Answers with the chart
 * as it now reads, in the snapshot's shape.
 */
export async function writeChart(db: Db, ctx: ClinicContext, visitId: string, input: unknown): Promise<Omit<VisitSnapshot, 'prescription'>> {
	// Only clinicians learn whether the visit exists; of them, its doctor and the nurses write.
	if (!can(ctx.actor, 'chart.view')) throw forbidden();
	const current = await findVisit(db, ctx.clinicId, visitId);
	if (!can(ctx.actor, 'chart.write', { clinicianUserIds: [current.doctorId] })) throw forbidden();
	const patch = parseInput(chartPatchInput, input);
	const idempotency = optionalIdempotency(`visit.chart:${ctx.clinicId}`, ctx.actor.userId, patch.idempotencyKey, { visitId, ...patch });
	return runCommand(db, idempotency, async (tx) => {
		const row = await lockVisit(tx, ctx.clinicId, visitId);
		if (row.status === 'completed') throw visitCompleted();
		const name = chartName(row.id);
		const { doc, closed } = await lockCollaborativeDocument(tx, name, row.clinicId);
		if (closed) throw visitCompleted();
		const before = Y.encodeStateVector(doc);
		applyPatch(doc, patch);
		const impossible = impossibleVitalError(touchedVitals(readChartPlain(doc).vitals, patch), 400);
		if (impossible) throw impossible;
		// A patch that changes nothing (the values were already there) writes nothing.
		if (!Buffer.from(Y.encodeStateVector(doc)).equals(Buffer.from(before))) {
			await appendLockedUpdate(tx, name, Y.encodeStateAsUpdate(doc, before));
			await auditVisit(tx, ctx, 'visit.chart_write', row, { fields: Object.keys(patch).filter((k) => k !== 'idempotencyKey') });
			await documentsChanged(tx, [name]);
		}
		const { prescription: _omitted, ...chart } = readChart(doc).snapshot;
		doc.destroy();
		return chart;
	});
}

function applyPatch(doc: Y.Doc, patch: ChartPatch): void {
	doc.transact(() => {
		const fields = doc.getMap<unknown>(CHART_MAP.fields);
		for (const key of PLAIN_FIELDS) if (patch[key] !== undefined) fields.set(key, patch[key]);
		if (patch.followUp !== undefined) {
			fields.set('followUpDays', patch.followUp?.inDays ?? null);
			fields.set('followUpNote', patch.followUp?.note ?? '');
		}
		if (patch.vitals) mergeVitals(doc.getMap<unknown>(CHART_MAP.vitals), patch.vitals);
		for (const section of RICH_FIELDS) if (patch[section] !== undefined) writePlainText(doc.getXmlFragment(section), patch[section]);
		for (const category of NOTE_CATEGORIES) {
			const text = patch.notes?.[category];
			if (text !== undefined) writePlainText(doc.getXmlFragment(category), text);
		}
		if (patch.diagnoses) {
			const list = doc.getArray<unknown>(CHART_MAP.diagnoses);
			list.delete(0, list.length);
			list.push(patch.diagnoses.map((d) => ({ id: crypto.randomUUID(), code: d.code ?? null, title: d.title })));
		}
	});
}

/**
 * The vitals the patch set, as they now read (both pressures when it set either, so a diastolic
 * not below its systolic is caught): a value someone typed earlier is the screen's to flag, not
 * a reason to refuse a monitor's reading of something else.
 */
function touchedVitals(vitals: ChartVitals, patch: ChartPatch): ChartVitals {
	const given = VITAL_KEYS.filter((key) => patch.vitals?.[key] != null);
	const keys = given.some((key) => key === 'systolic' || key === 'diastolic') ? [...given, 'systolic' as const, 'diastolic' as const] : given;
	return Object.fromEntries(keys.filter((key) => vitals[key] !== undefined).map((key) => [key, vitals[key]]));
}

/** Vitals merge per key; null removes a value. */
function mergeVitals(map: Y.Map<unknown>, vitals: { [K in keyof ChartVitals]?: number | null }) {
	for (const key of VITAL_KEYS) {
		const value = vitals[key];
		if (value === null) map.delete(key);
		else if (value !== undefined) map.set(key, value);
	}
}
