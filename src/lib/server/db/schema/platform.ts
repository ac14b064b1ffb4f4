import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid, customType } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
	dataType: () => 'bytea'
});

/** Transactional outbox: events written in the same transaction as the command that caused them. */
export const outboxEvent = pgTable(
	'outbox_event',
	{
		id: bigserial({ mode: 'number' }).primaryKey(),
		clinicId: uuid(),
		type: text().notNull(),
		payload: jsonb().$type<Record<string, unknown>>().notNull(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		availableAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		processedAt: timestamp({ withTimezone: true }),
		attempts: integer().notNull().default(0),
		lastError: text(),
		/** Channels already delivered (`email`, `email:log`, `push:<subscription id>`), so a retry does not repeat them. */
		deliveredTo: jsonb().$type<string[]>().notNull().default([]),
		/** Set when the worker gave up after its last attempt; such events are shown to admins, never retried. */
		failedAt: timestamp({ withTimezone: true })
	},
	(t) => [index('outbox_pending_idx').on(t.processedAt, t.availableAt)]
);

/**
 * A retried request with the same key returns the first response instead of acting twice. A key
 * belongs to the person who sent it (another person's key is a different claim) and to the
 * request it came with: `requestHash` is the SHA-256 of the canonical command input.
 */
export const idempotencyKey = pgTable(
	'idempotency_key',
	{
		scope: text().notNull(),
		userId: uuid().notNull(),
		key: text().notNull(),
		requestHash: text().notNull(),
		response: jsonb().$type<unknown>().notNull(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.scope, t.userId, t.key] })]
);

/** Collaborative Yjs documents: a compacted snapshot plus the updates appended since. */
export const syncDocument = pgTable('sync_document', {
	name: text().primaryKey(),
	clinicId: uuid(),
	snapshot: bytea(),
	/** Id of the last sync_update folded into the snapshot. */
	snapshotUpdateId: bigint({ mode: 'number' }).notNull().default(0),
	closedAt: timestamp({ withTimezone: true }),
	updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
});

export const syncUpdate = pgTable(
	'sync_update',
	{
		id: bigserial({ mode: 'number' }).primaryKey(),
		documentName: text().notNull(),
		data: bytea().notNull(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('sync_update_document_idx').on(t.documentName, t.id)]
);

/**
 * Live documents a command changed, written in the command's own transaction and deleted once
 * published after commit. A row still here belongs to a process that stopped between commit and
 * publish: the next start (or Redis reconnect) publishes it, so no screen stays stale.
 */
export const projectionChange = pgTable('projection_change', {
	id: bigserial({ mode: 'number' }).primaryKey(),
	names: jsonb().$type<string[]>().notNull(),
	createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
});
