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

/**
 * A staff member invited by email sets their own password through a single-use link. Only the
 * SHA-256 of the link's token is stored; using it (or a newer invitation) ends it. An account
 * invited and not yet joined has an empty password hash, which no password matches.
 */
export const staffInvitation = pgTable(
	'staff_invitation',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		userId: uuid()
			.notNull()
			.references(() => appUser.id, { onDelete: 'cascade' }),
		tokenHash: text().notNull(),
		createdBy: uuid().references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		expiresAt: timestamp({ withTimezone: true }).notNull(),
		usedAt: timestamp({ withTimezone: true }),
		/** Set when a newer invitation to the same person replaced this one. */
		revokedAt: timestamp({ withTimezone: true })
	},
	(t) => [uniqueIndex('staff_invitation_token_key').on(t.tokenHash), index('staff_invitation_user_idx').on(t.userId)]
);

export type AppUser = typeof appUser.$inferSelect;
export type StaffInvitation = typeof staffInvitation.$inferSelect;
export type Session = typeof session.$inferSelect;
