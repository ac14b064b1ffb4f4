import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db';
import { pushSubscription } from '../db/schema';
import { parseInput } from '../validation';
import { pushSubscriptionInput, pushUnsubscribeInput } from './schema';

export type PushSubscriptionView = { id: string; endpoint: string; createdAt: Date };

const view = { id: pushSubscription.id, endpoint: pushSubscription.endpoint, createdAt: pushSubscription.createdAt };

/**
 * Keeps a browser's push subscription for the signed-in account. Subscribing the same browser
 * again refreshes its keys; a browser another account subscribed before now notifies this one
 * (a shared phone notifies whoever turned notifications on last).
 */
export async function savePushSubscription(db: Db, userId: string, input: unknown): Promise<PushSubscriptionView> {
	const { endpoint, keys } = parseInput(pushSubscriptionInput, input);
	const [row] = await db
		.insert(pushSubscription)
		.values({ userId, endpoint, p256dh: keys.p256dh, auth: keys.auth })
		.onConflictDoUpdate({ target: pushSubscription.endpoint, set: { userId, p256dh: keys.p256dh, auth: keys.auth } })
		.returning(view);
	return row;
}

/** Stops pushes to one browser of this account. Removing one that is already gone is not an error. */
export async function removePushSubscription(db: Db, userId: string, input: unknown): Promise<boolean> {
	const { endpoint } = parseInput(pushUnsubscribeInput, input);
	const removed = await db
		.delete(pushSubscription)
		.where(and(eq(pushSubscription.userId, userId), eq(pushSubscription.endpoint, endpoint)))
		.returning({ id: pushSubscription.id });
	return removed.length > 0;
}

export async function listPushSubscriptions(db: Db, userId: string): Promise<PushSubscriptionView[]> {
	return db.select(view).from(pushSubscription).where(eq(pushSubscription.userId, userId)).orderBy(asc(pushSubscription.createdAt));
}
