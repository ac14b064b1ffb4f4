import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { auditLog, type AuditRow } from '../db/schema';
import type { Db, Tx } from '../db';

export type AuditEntry = {
	clinicId: string | null;
	actorUserId: string | null;
	action: string;
	entityType: string;
	entityId?: string | null;
	data?: Record<string, unknown>;
};

const GENESIS = '0'.repeat(64);
const NO_CLINIC = '00000000-0000-0000-0000-000000000000';

/**
 * Appends one row to the clinic's audit chain, inside the caller's transaction. A transaction
 * advisory lock per clinic serializes writers, so two commands never chain onto the same row.
 */
export async function appendAudit(tx: Tx, entry: AuditEntry): Promise<AuditRow> {
	const chainKey = entry.clinicId ?? NO_CLINIC;
	await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${'audit:' + chainKey}))`);
	const [last] = await tx
		.select({ seq: auditLog.seq, hash: auditLog.hash })
		.from(auditLog)
		.where(clinicFilter(entry.clinicId))
		.orderBy(sql`${auditLog.seq} DESC`)
		.limit(1);
	const seq = (last?.seq ?? 0) + 1;
	const prevHash = last?.hash ?? GENESIS;
	const createdAt = new Date().toISOString();
	const content = {
		clinicId: entry.clinicId,
		seq,
		actorUserId: entry.actorUserId,
		action: entry.action,
		entityType: entry.entityType,
		entityId: entry.entityId ?? null,
		data: entry.data ?? {},
		createdAt
	};
	const hash = hashRow(prevHash, content);
	const [row] = await tx.insert(auditLog).values({ ...content, prevHash, hash }).returning();
	return row;
}

type ChainContent = Pick<AuditRow, 'clinicId' | 'seq' | 'actorUserId' | 'action' | 'entityType' | 'entityId' | 'data' | 'createdAt'>;

export function hashRow(prevHash: string, row: ChainContent): string {
	const canonical = canonicalJson([
		prevHash,
		row.clinicId,
		row.seq,
		row.actorUserId,
		row.action,
		row.entityType,
		row.entityId,
		row.data,
		new Date(row.createdAt).toISOString()
	]);
	return encodeHexLowerCase(sha256(new TextEncoder().encode(canonical)));
}

/** JSON with sorted object keys, so jsonb's reordering does not change the hash. */
function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
	}
	return JSON.stringify(value ?? null);
}

export type ChainCheck = { ok: true; rows: number } | { ok: false; rows: number; brokenAtSeq: number; reason: string };

/** Walks a clinic's chain and reports the first row whose hash or link does not match. */
export async function verifyAuditChain(db: Db, clinicId: string | null): Promise<ChainCheck> {
	const rows = await db.select().from(auditLog).where(clinicFilter(clinicId)).orderBy(asc(auditLog.seq));
	let prevHash = GENESIS;
	for (const [index, row] of rows.entries()) {
		if (row.seq !== index + 1) return { ok: false, rows: rows.length, brokenAtSeq: row.seq, reason: 'gap in sequence' };
		if (row.prevHash !== prevHash) return { ok: false, rows: rows.length, brokenAtSeq: row.seq, reason: 'link to previous row broken' };
		if (hashRow(prevHash, row) !== row.hash) return { ok: false, rows: rows.length, brokenAtSeq: row.seq, reason: 'row content altered' };
		prevHash = row.hash;
	}
	return { ok: true, rows: rows.length };
}

function clinicFilter(clinicId: string | null) {
	return clinicId ? eq(auditLog.clinicId, clinicId) : and(isNull(auditLog.clinicId));
}
