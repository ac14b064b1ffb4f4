import { integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { clinic } from './tenancy';

/**
 * Per-clinic sequences for human references (P for patients, A for appointments, …). A command
 * takes the next number with one UPDATE … RETURNING in its own transaction, so two concurrent
 * commands never get the same number and a rolled-back one leaves no gap it did not use.
 */
export const clinicCounter = pgTable(
	'clinic_counter',
	{
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		kind: text().notNull(),
		lastValue: integer().notNull().default(0)
	},
	(t) => [primaryKey({ columns: [t.clinicId, t.kind] })]
);
