import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clinic } from './tenancy';

export const userKind = pgEnum('user_kind', ['staff', 'patient']);

export const appUser = pgTable(
	'app_user',
	{
		id: uuid().primaryKey().defaultRandom(),
		email: text().notNull(),
		name: text().notNull(),
		kind: userKind().notNull().default('staff'),
		passwordHash: text().notNull(),
		/** base64 TOTP key, set once enrolment is confirmed. */
		totpKey: text(),
		totpPendingKey: text(),
		/** The 30-second time step of the last TOTP code accepted: a code of that step or an earlier one is refused, so no code works twice. */
		totpLastStep: integer(),
		locale: text().notNull().default('en'),
		mustChangePassword: boolean().notNull().default(false),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		passwordChangedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('app_user_email_key').on(sql`lower(${t.email})`)]
);

export const session = pgTable(
	'session',
	{
		/** SHA-256 (hex) of the token held in the cookie; the token itself is never stored. */
		id: text().primaryKey(),
		userId: uuid()
			.notNull()
			.references(() => appUser.id, { onDelete: 'cascade' }),
		expiresAt: timestamp({ withTimezone: true }).notNull(),
		twoFactorVerified: boolean().notNull().default(false),
		activeClinicId: uuid().references(() => clinic.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('session_user_idx').on(t.userId)]
);

export const recoveryCode = pgTable(
	'recovery_code',
	{
		id: uuid().primaryKey().defaultRandom(),
		userId: uuid()
			.notNull()
			.references(() => appUser.id, { onDelete: 'cascade' }),
		codeHash: text().notNull(),
		usedAt: timestamp({ withTimezone: true })
	},
	(t) => [index('recovery_code_user_idx').on(t.userId)]
);

export type AppUser = typeof appUser.$inferSelect;
export type Session = typeof session.$inferSelect;
