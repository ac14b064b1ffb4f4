import { bigserial, index, jsonb, pgTable, text, timestamp, uuid, integer } from 'drizzle-orm/pg-core';
import { isNotNull } from 'drizzle-orm';

/**
 * Append-only (a trigger refuses UPDATE and DELETE) and hash-chained: each row's `hash` covers
 * its content and `prevHash`, the hash of the previous row of the same chain. A clinic's rows
 * form its chain; a row without a clinic (a sign-in, a password change) is on the chain of the
 * person it is about, `subjectUserId`. Rows with neither (written before people had chains of
 * their own) form the installation's chain.
 */
export const auditLog = pgTable(
	'audit_log',
	{
		id: bigserial({ mode: 'number' }).primaryKey(),
		clinicId: uuid(),
		subjectUserId: uuid(),
		seq: integer().notNull(),
		actorUserId: uuid(),
		action: text().notNull(),
		entityType: text().notNull(),
		entityId: text(),
		data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
		createdAt: timestamp({ withTimezone: true, mode: 'string' }).notNull(),
		prevHash: text().notNull(),
		hash: text().notNull()
	},
	(t) => [
		index('audit_log_clinic_seq_idx').on(t.clinicId, t.seq),
		index('audit_log_subject_seq_idx').on(t.subjectUserId, t.seq).where(isNotNull(t.subjectUserId))
	]
);

export type AuditRow = typeof auditLog.$inferSelect;

/**
 * The end of each audit chain (`clinic:{id}`, `user:{id}` or `installation`): its last seq and
 * hash. Appending locks this row, so the chain's writers queue here, only for the append itself;
 * and a chain whose rows stop short of its head has lost rows at the end.
 */
export const auditChain = pgTable('audit_chain', {
	chain: text().primaryKey(),
	lastSeq: integer().notNull(),
	lastHash: text().notNull()
});
