import { and, eq, isNull, sql } from 'drizzle-orm';
import { patient, type Patient } from '../db/schema/patients';
import type { Db, Tx } from '../db';

export type PatientSummary = Pick<Patient, 'id' | 'refNo' | 'name' | 'dateOfBirth' | 'sex' | 'phone' | 'nationalId'> & { score: number };

const summary = {
	id: patient.id,
	refNo: patient.refNo,
	name: patient.name,
	dateOfBirth: patient.dateOfBirth,
	sex: patient.sex,
	phone: patient.phone,
	nationalId: patient.nationalId
};

/**
 * Search as you type: a reference (ABC01-P1042, P1042, 1042), a phone number (any 4+ digits of
 * it), a national ID, or a name, tolerant of spelling through trigram similarity.
 */
export async function searchPatients(db: Db, clinicId: string, query: string, limit = 20): Promise<PatientSummary[]> {
	const q = query.trim();
	const scope = and(eq(patient.clinicId, clinicId), isNull(patient.mergedIntoId));
	if (!q) {
		const rows = await db.select(summary).from(patient).where(scope).orderBy(sql`${patient.createdAt} DESC`).limit(limit);
		return rows.map((r) => ({ ...r, score: 0 }));
	}
	const ref = /^(?:[A-Z0-9]{3,8}-)?P?(\d{1,9})$/i.exec(q);
	const digits = q.replace(/\D/g, '');
	const lowered = q.toLowerCase();
	// A query of digits is a phone number, a reference or an ID, never a name; a query with letters
	// is never a phone number. Keeping the name arms (trigram index) apart from the phone arm (no
	// index) lets a name search use the index instead of scanning every record of the clinic.
	const phoneLike = digits.length >= 4 && /^[+\d][\d\s().-]*$/.test(q);
	// Stored numbers are E.164, so a national number's trunk 0 (0300…) is not part of them.
	const phoneDigits = digits.length > 4 ? digits.replace(/^0+/, '') : digits;
	const nameMatch = sql`(lower(${patient.name}) % ${lowered} OR lower(${patient.name}) LIKE ${'%' + escapeLike(lowered) + '%'})`;
	const conditions = [sql`${patient.nationalId} = ${q}`];
	if (!phoneLike) conditions.push(nameMatch);
	if (ref) conditions.push(sql`${patient.refNo} = ${Number(ref[1])}`);
	if (phoneLike) conditions.push(sql`${patient.phone} LIKE ${'%' + phoneDigits + '%'}`);
	const score = sql<number>`greatest(
		similarity(lower(${patient.name}), ${lowered}),
		CASE WHEN lower(${patient.name}) LIKE ${escapeLike(lowered) + '%'} THEN 0.9 ELSE 0 END,
		CASE WHEN ${patient.nationalId} = ${q} THEN 1 ELSE 0 END
		${ref ? sql`, CASE WHEN ${patient.refNo} = ${Number(ref[1])} THEN 1 ELSE 0 END` : sql``}
		${phoneLike ? sql`, CASE WHEN ${patient.phone} LIKE ${'%' + phoneDigits + '%'} THEN 0.95 ELSE 0 END` : sql``}
	)`;
	return db
		.select({ ...summary, score })
		.from(patient)
		.where(and(scope, sql`(${sql.join(conditions, sql` OR `)})`))
		.orderBy(sql`${score} DESC`, patient.name)
		.limit(limit)
		.then((rows) => rows.map((r) => ({ ...r, score: Number(r.score) })));
}

function escapeLike(value: string): string {
	return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Records that may be the same person: the same phone, or a similar name with the same birth date. */
export async function findPossibleDuplicates(
	db: Db | Tx,
	clinicId: string,
	candidate: { name: string; phone?: string | null; dateOfBirth?: string | null; nationalId?: string | null },
	excludeId?: string
): Promise<PatientSummary[]> {
	const conditions = [];
	if (candidate.phone) conditions.push(sql`${patient.phone} = ${candidate.phone}`);
	if (candidate.nationalId) conditions.push(sql`${patient.nationalId} = ${candidate.nationalId}`);
	if (candidate.dateOfBirth) {
		conditions.push(sql`(${patient.dateOfBirth} = ${candidate.dateOfBirth} AND similarity(lower(${patient.name}), ${candidate.name.toLowerCase()}) > 0.4)`);
	}
	if (conditions.length === 0) return [];
	const rows = await db
		.select({ ...summary, score: sql<number>`similarity(lower(${patient.name}), ${candidate.name.toLowerCase()})` })
		.from(patient)
		.where(
			and(
				eq(patient.clinicId, clinicId),
				isNull(patient.mergedIntoId),
				excludeId ? sql`${patient.id} <> ${excludeId}` : undefined,
				sql`(${sql.join(conditions, sql` OR `)})`
			)
		)
		.limit(10);
	return rows.map((r) => ({ ...r, score: Number(r.score) }));
}

export async function getPatient(db: Db | Tx, clinicId: string, id: string): Promise<Patient | null> {
	if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
	const [row] = await db.select().from(patient).where(and(eq(patient.clinicId, clinicId), eq(patient.id, id)));
	return row ?? null;
}
