import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { auditChain, auditLog, type AuditRow } from '../db/schema';
import type { Db, Tx } from '../db';

/**
 * The audit log is a set of hash chains: one per clinic, and one per person for events without
 * a clinic (sign-ins, sign-ups, password and 2FA changes), so neither a busy clinic nor everyone
 * signing in at once waits on anybody else's chain.
 *
 * A command records its entries with `appendAudit` while it runs; `runCommand` writes them as the
 * transaction's last statements (`writeAudit`). Appending locks the chain's head row
 * (`audit_chain`) until commit, so a chain's writers queue only for the append and the commit,
 * never while a command waits for its own rows, and the chain stays gapless: a rolled-back
 * command leaves neither a row nor a used seq.
 */
export type AuditEntry = {
	clinicId: string | null;
	actorUserId: string | null;
	action: string;
	entityType: string;
	entityId?: string | null;
	data?: Record<string, unknown>;
};

/** A chain: a clinic's, a person's own (events without a clinic), or the installation's (neither). */
type Chain = { clinicId: string; subjectUserId: null } | { clinicId: null; subjectUserId: string | null };

/** Which chain to verify: a clinic id, `{ userId }` for a person's own, `null` for the installation's. */
export type ChainRef = string | { userId: string } | null;

const GENESIS = '0'.repeat(64);

/** An entry without a clinic belongs to the person it is about: the user it names, else who did it. */
function chainOf(entry: AuditEntry): Chain {
	if (entry.clinicId) return { clinicId: entry.clinicId, subjectUserId: null };
	const subject = entry.entityType === 'user' && entry.entityId ? entry.entityId : entry.actorUserId;
	return { clinicId: null, subjectUserId: subject };
}

function chainFromRef(ref: ChainRef): Chain {
	if (typeof ref === 'string') return { clinicId: ref, subjectUserId: null };
	return { clinicId: null, subjectUserId: ref?.userId ?? null };
}

const chainKey = (chain: Chain) => (chain.clinicId ? `clinic:${chain.clinicId}` : chain.subjectUserId ? `user:${chain.subjectUserId}` : 'installation');

const pending = new WeakMap<Tx, AuditEntry[]>();

/** `runCommand` opens each transaction's list of entries before the command's body runs. */
export function openAudit(tx: Tx): void {
	pending.set(tx, []);
}

/**
 * Records an audit entry of the command running in `tx`; `runCommand` appends it to its chain
 * just before commit, so it is written if and only if the command commits. Outside `runCommand`
 * nobody would write it, so that is refused.
 */
export async function appendAudit(tx: Tx, entry: AuditEntry): Promise<void> {
	const entries = pending.get(tx);
	if (!entries) throw new Error('appendAudit is called inside runCommand, which writes the entries before commit');
	entries.push(entry);
}

/**
 * Appends the transaction's entries to their chains, in the order they were recorded. Chains are
 * taken in a fixed order (by key), so two transactions writing to the same chains never deadlock.
 */
export async function writeAudit(tx: Tx): Promise<void> {
	const entries = pending.get(tx) ?? [];
	pending.delete(tx);
	const byChain = new Map<string, { chain: Chain; entries: AuditEntry[] }>();
	for (const entry of entries) {
		const chain = chainOf(entry);
		const key = chainKey(chain);
		const group = byChain.get(key) ?? { chain, entries: [] };
		group.entries.push(entry);
		byChain.set(key, group);
	}
	for (const key of [...byChain.keys()].sort()) {
		const group = byChain.get(key);
		if (group) await appendToChain(tx, key, group.chain, group.entries);
	}
}

/**
 * Two round trips under the chain's lock. The upsert waits for the head row and, once it has it,
 * reads the head as the previous writer committed it (PostgreSQL re-reads a row it waited for),
 * then the rows and the new head are written together.
 */
async function appendToChain(tx: Tx, key: string, chain: Chain, entries: AuditEntry[]): Promise<void> {
	const [head] = await tx
		.insert(auditChain)
		.values({ chain: key, lastSeq: entries.length, lastHash: GENESIS })
		.onConflictDoUpdate({ target: auditChain.chain, set: { lastSeq: sql`${auditChain.lastSeq} + ${entries.length}` } })
		.returning();
	let seq = head.lastSeq - entries.length;
	let prevHash = head.lastHash;
	const createdAt = new Date().toISOString();
	const rows = entries.map((entry) => {
		const content = {
			clinicId: chain.clinicId,
			subjectUserId: chain.subjectUserId,
			seq: ++seq,
			actorUserId: entry.actorUserId,
			action: entry.action,
			entityType: entry.entityType,
			entityId: entry.entityId ?? null,
			data: entry.data ?? {},
			createdAt
		};
		const hash = hashRow(prevHash, content);
		const row = { ...content, prevHash, hash };
		prevHash = hash;
		return row;
	});
	await Promise.all([tx.insert(auditLog).values(rows), tx.update(auditChain).set({ lastHash: prevHash }).where(eq(auditChain.chain, key))]);
}

type ChainContent = Pick<AuditRow, 'clinicId' | 'subjectUserId' | 'seq' | 'actorUserId' | 'action' | 'entityType' | 'entityId' | 'data' | 'createdAt'>;

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
		new Date(row.createdAt).toISOString(),
		// Only on a person's own chain: rows written before those chains keep the hashes they have.
		...(row.subjectUserId ? [row.subjectUserId] : [])
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

/**
 * Walks a chain and reports the first row whose hash or link does not match, or rows missing
 * after the last one (the chain's head says how far it went). Rows and head are read in one
 * snapshot, so a command appending meanwhile is not mistaken for damage.
 */
export async function verifyAuditChain(db: Db, ref: ChainRef): Promise<ChainCheck> {
	const chain = chainFromRef(ref);
	const { rows, head } = await db.transaction(
		async (tx) => {
			const rows = await tx.select().from(auditLog).where(chainFilter(chain)).orderBy(asc(auditLog.seq));
			const [head] = await tx
				.select()
				.from(auditChain)
				.where(eq(auditChain.chain, chainKey(chain)));
			return { rows, head };
		},
		{ isolationLevel: 'repeatable read', accessMode: 'read only' }
	);
	let prevHash = GENESIS;
	for (const [index, row] of rows.entries()) {
		if (row.seq !== index + 1) return { ok: false, rows: rows.length, brokenAtSeq: row.seq, reason: 'gap in sequence' };
		if (row.prevHash !== prevHash) return { ok: false, rows: rows.length, brokenAtSeq: row.seq, reason: 'link to previous row broken' };
		if (hashRow(prevHash, row) !== row.hash) return { ok: false, rows: rows.length, brokenAtSeq: row.seq, reason: 'row content altered' };
		prevHash = row.hash;
	}
	if (head && (head.lastSeq !== rows.length || head.lastHash !== prevHash)) {
		const reason = head.lastSeq > rows.length ? 'rows missing at the end' : 'last row does not match the head';
		return { ok: false, rows: rows.length, brokenAtSeq: Math.min(head.lastSeq, rows.length) + 1, reason };
	}
	return { ok: true, rows: rows.length };
}

function chainFilter(chain: Chain) {
	const clinic = chain.clinicId ? eq(auditLog.clinicId, chain.clinicId) : isNull(auditLog.clinicId);
	const subject = chain.subjectUserId ? eq(auditLog.subjectUserId, chain.subjectUserId) : isNull(auditLog.subjectUserId);
	return and(clinic, subject);
}
