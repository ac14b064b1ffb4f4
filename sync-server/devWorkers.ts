import { env } from '../src/lib/server/env';
import { getDatabase } from '../src/lib/server/db';
import { logger } from '../src/lib/server/logger';
import { startNotificationDelivery } from '../src/lib/server/notifications';

/** The background workers `npm start` runs (sync-server/app.ts), for `npm run dev`. */
export async function startDevWorkers(): Promise<{ stop(): Promise<void> }> {
	const database = await getDatabase();
	return startNotificationDelivery(database.db, env(), logger());
}
