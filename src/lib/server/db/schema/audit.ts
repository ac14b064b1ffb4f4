import { bigserial, index, jsonb, pgTable, text, timestamp, uuid, integer } from 'drizzle-orm/pg-core';

/**
 * Append-only (a trigger refuses UPDATE and DELETE) and hash-chained per clinic: each row's
 * `hash` covers its content and `prevHash`, the hash of the previous row of the same clinic.
 * Rows with no clinic (installation-wide events) form their own chain.
 */
export const auditLog = pgTable(
	'audit_log',
	{
		id: bigserial({ mode: 'number' }).primaryKey(),
		clinicId: uuid(),
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
	(t) => [index('audit_log_clinic_seq_idx').on(t.clinicId, t.seq)]
);

export type AuditRow = typeof auditLog.$inferSelect;
