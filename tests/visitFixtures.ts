import { randomInt } from 'node:crypto';
import { visit } from '../src/lib/server/db/schema/queue';
import { visitAddendum, visitDiagnosis, visitNote, visitObservation, visitRecord } from '../src/lib/server/db/schema/clinical';
import type { Db } from '../src/lib/server/db';

/**
 * A completed visit written straight into its tables, as "complete visit" will write it: the
 * visit row, its record, notes, vitals (API units), diagnoses and addenda. Until that command
 * exists, this is how the timeline and the visit summary get something to show.
 */
export type CompletedVisitFixture = {
	clinicId: string;
	patientId: string;
	doctorId: string;
	completedAt?: Date;
	complaint?: string;
	complaintDuration?: string;
	plan?: string;
	advice?: string;
	vitals?: Partial<Record<'systolic' | 'diastolic' | 'pulse' | 'temperature' | 'spo2' | 'weightKg' | 'heightCm' | 'glucose', number>>;
	glucoseQualifier?: 'fasting' | 'random';
	diagnoses?: { code: string | null; title: string }[];
	notes?: Partial<Record<'symptoms' | 'observations' | 'diagnosis' | 'treatment', string>>;
	addenda?: { text: string; reason: string }[];
};

const NOTE_CATEGORIES = ['symptoms', 'observations', 'diagnosis', 'treatment'] as const;

const UNITS: Record<string, string> = {
	systolic: 'mmHg',
	diastolic: 'mmHg',
	pulse: '/min',
	temperature: '°C',
	spo2: '%',
	weightKg: 'kg',
	heightCm: 'cm',
	glucose: 'mg/dL'
};

export async function insertCompletedVisit(db: Db, f: CompletedVisitFixture): Promise<string> {
	const completedAt = f.completedAt ?? new Date();
	const [row] = await db
		.insert(visit)
		.values({
			clinicId: f.clinicId,
			refNo: randomInt(1000, 1_000_000),
			patientId: f.patientId,
			doctorId: f.doctorId,
			status: 'completed',
			startedAt: new Date(completedAt.getTime() - 15 * 60_000),
			completedAt
		})
		.returning({ id: visit.id });
	await db.insert(visitRecord).values({
		visitId: row.id,
		clinicId: f.clinicId,
		complaint: f.complaint ?? '',
		complaintDuration: f.complaintDuration ?? '',
		plan: f.plan ?? '',
		advice: f.advice ?? '',
		contentHash: 'fixture',
		chartState: '',
		completedBy: f.doctorId,
		completedAt
	});
	const vitals = Object.entries(f.vitals ?? {});
	if (vitals.length > 0) {
		await db.insert(visitObservation).values(
			vitals.map(([kind, value]) => ({
				clinicId: f.clinicId,
				visitId: row.id,
				patientId: f.patientId,
				kind,
				value,
				unit: UNITS[kind],
				qualifier: kind === 'glucose' ? (f.glucoseQualifier ?? 'random') : null,
				observedAt: completedAt
			}))
		);
	}
	const diagnoses = f.diagnoses ?? [];
	if (diagnoses.length > 0) {
		await db
			.insert(visitDiagnosis)
			.values(diagnoses.map((d, position) => ({ clinicId: f.clinicId, visitId: row.id, patientId: f.patientId, position, code: d.code, title: d.title })));
	}
	const notes = NOTE_CATEGORIES.flatMap((category) => (f.notes?.[category] ? [{ category, text: f.notes[category] }] : []));
	if (notes.length > 0) {
		await db.insert(visitNote).values(
			notes.map(({ category, text }) => ({
				visitId: row.id,
				category,
				text,
				rich: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] }
			}))
		);
	}
	for (const a of f.addenda ?? []) {
		await db.insert(visitAddendum).values({ clinicId: f.clinicId, visitId: row.id, authorId: f.doctorId, text: a.text, reason: a.reason });
	}
	return row.id;
}
