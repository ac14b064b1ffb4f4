import { and, eq, isNull, sql } from 'drizzle-orm';
import { patient, type Patient } from '../db/schema/patients';
import type { Db, Tx } from '../db';
import { innerTrigrams, prefilterPieces, similarity } from './trigram';
import { isUuid } from '../text';

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

/** How many candidate names the database hands over for ranking; the best matches share the most pieces. */
const CANDIDATES = 300;
/** pg_trgm's default threshold: below it a name is not "similar". */
const THRESHOLD = 0.3;

/** A reference with its clinic code or its P (`ABC01-P1042`, `ABC01-1042`, `P1042`): nothing else looks like it. */
const REF = /^(?:[A-Z0-9]{3,8}-P?|P)(\d{1,9})$/i;
/** A Pakistani CNIC as printed (`35202-1234567-1`): an ID, never a phone number or a name. */
const CNIC = /^\d{5}-\d{7}-\d$/;

/**
 * Search as you type: a reference (ABC01-P1042, P1042, 1042), a phone number (any 4+ digits of
 * it), a national ID, or a name, tolerant of spelling. A reference or a CNIC is looked up by its
 * index alone. For names the database narrows to those sharing a four-letter piece with the
 * query and orders them by the three-letter pieces they share, with LIKE on the stored lower-case
 * name (PostgreSQL's trigram index serves it; PGlite scans, without lower() on every row). The
 * ranking is trigram similarity computed here (see trigram.ts for why not in SQL).
 */
export async function searchPatients(db: Db, clinicId: string, query: string, limit = 20): Promise<PatientSummary[]> {
	const q = query.trim();
	const scope = and(eq(patient.clinicId, clinicId), isNull(patient.mergedIntoId));
	if (!q) {
		const rows = await db
			.select(summary)
			.from(patient)
			.where(scope)
			.orderBy(sql`${patient.createdAt} DESC`)
			.limit(limit);
		return rows.map((r) => ({ ...r, score: 0 }));
	}
	const explicitRef = REF.exec(q);
	if (explicitRef) {
		const rows = await db
			.select(summary)
			.from(patient)
			.where(and(scope, eq(patient.refNo, Number(explicitRef[1]))));
		return rows.map((r) => ({ ...r, score: 1 }));
	}
	if (CNIC.test(q)) {
		const rows = await db
			.select(summary)
			.from(patient)
			.where(and(scope, eq(patient.nationalId, q)))
			.limit(limit);
		return rows.map((r) => ({ ...r, score: 1 }));
	}
	const ref = /^\d{1,9}$/.exec(q) ? Number(q) : null;
	const digits = q.replace(/\D/g, '');
	const lowered = q.toLowerCase();
	// A query of digits is a phone number, a reference or an ID, never a name; a query with letters
	// is never a phone number.
	const phoneLike = digits.length >= 4 && /^[+\d][\d\s().-]*$/.test(q);
	// Stored numbers are E.164, so a national number's trunk 0 (0300…) is not part of them.
	const phoneDigits = digits.length > 4 ? digits.replace(/^0+/, '') : digits;
	const pieces = phoneLike ? [] : innerTrigrams(lowered);
	const contains = (p: string) => sql`${patient.searchName} LIKE ${'%' + escapeLike(p) + '%'}`;
	const conditions = [sql`${patient.nationalId} = ${q}`];
	if (!phoneLike) conditions.push(contains(lowered), ...prefilterPieces(lowered).map(contains));
	if (ref !== null) conditions.push(sql`${patient.refNo} = ${ref}`);
	if (phoneLike) conditions.push(sql`${patient.phone} LIKE ${'%' + phoneDigits + '%'}`);
	const shared = pieces.length
		? sql.join(
				pieces.map((p) => sql`(CASE WHEN ${contains(p)} THEN 1 ELSE 0 END)`),
				sql` + `
			)
		: null;
	const rows = await db
		.select(summary)
		.from(patient)
		.where(and(scope, sql`(${sql.join(conditions, sql` OR `)})`))
		.orderBy(shared ? sql`${shared} DESC` : patient.name)
		.limit(CANDIDATES);
	const scored = rows.map((r) => {
		const name = r.name.toLowerCase();
		const score = Math.max(
			phoneLike ? 0 : similarity(name, lowered),
			name.startsWith(lowered) ? 0.9 : name.includes(lowered) ? 0.8 : 0,
			r.nationalId === q ? 1 : 0,
			ref !== null && r.refNo === ref ? 1 : 0,
			phoneLike && r.phone?.includes(phoneDigits) ? 0.95 : 0
		);
		return { ...r, score };
	});
	return scored
		.filter((r) => r.score >= THRESHOLD)
		.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
		.slice(0, limit);
}

function escapeLike(value: string): string {
	return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Records that may be the same person: the same phone or national ID, or a similar name with the same birth date. */
export async function findPossibleDuplicates(
	db: Db | Tx,
	clinicId: string,
	candidate: { name: string; phone?: string | null; dateOfBirth?: string | null; nationalId?: string | null },
	excludeId?: string
): Promise<PatientSummary[]> {
	const conditions = [];
	if (candidate.phone) conditions.push(sql`${patient.phone} = ${candidate.phone}`);
	if (candidate.nationalId) conditions.push(sql`${patient.nationalId} = ${candidate.nationalId}`);
	if (candidate.dateOfBirth) conditions.push(sql`${patient.dateOfBirth} = ${candidate.dateOfBirth}`);
	if (conditions.length === 0) return [];
	const rows = await db
		.select(summary)
		.from(patient)
		.where(
			and(
				eq(patient.clinicId, clinicId),
				isNull(patient.mergedIntoId),
				excludeId ? sql`${patient.id} <> ${excludeId}` : undefined,
				sql`(${sql.join(conditions, sql` OR `)})`
			)
		)
		.limit(50);
	return rows
		.map((r) => ({ ...r, score: similarity(r.name, candidate.name) }))
		.filter(
			(r) =>
				(candidate.phone && r.phone === candidate.phone) ||
				(candidate.nationalId && r.nationalId === candidate.nationalId) ||
				(candidate.dateOfBirth && r.dateOfBirth === candidate.dateOfBirth && r.score > 0.4)
		)
		.slice(0, 10);
}

export async function getPatient(db: Db | Tx, clinicId: string, id: string): Promise<Patient | null> {
	if (!isUuid(id)) return null;
	const [row] = await db
		.select()
		.from(patient)
		.where(and(eq(patient.clinicId, clinicId), eq(patient.id, id)));
	return row ?? null;
}
