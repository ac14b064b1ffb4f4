import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { appUser } from './auth';

/**
 * A browser's Web Push subscription, for one account. The endpoint is the push service's URL
 * for that browser: a browser belongs to whoever subscribed it last. Rows are deleted when the
 * push service answers 404 or 410 (the subscription has expired or was revoked).
 */
export const pushSubscription = pgTable(
	'push_subscription',
	{
		id: uuid().primaryKey().defaultRandom(),
		userId: uuid()
			.notNull()
			.references(() => appUser.id, { onDelete: 'cascade' }),
		endpoint: text().notNull(),
		/** The browser's P-256 public key and auth secret (base64url), which encrypt each message for it alone. */
		p256dh: text().notNull(),
		auth: text().notNull(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('push_subscription_endpoint_key').on(t.endpoint), index('push_subscription_user_idx').on(t.userId)]
);

/**
 * The installation's VAPID key pair, generated at first use when VAPID_PUBLIC_KEY and
 * VAPID_PRIVATE_KEY are not set, so web push works with no setup. One row; every instance uses it.
 */
export const vapidKey = pgTable(
	'vapid_key',
	{
		id: integer().primaryKey().default(1),
		publicKey: text().notNull(),
		privateKey: text().notNull(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [check('vapid_key_single_row', sql`${t.id} = 1`)]
);

export type PushSubscription = typeof pushSubscription.$inferSelect;
