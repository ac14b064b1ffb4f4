import { env } from '../src/lib/server/env';
import { getDatabase } from '../src/lib/server/db';
import { logger } from '../src/lib/server/logger';
import { startNotificationDelivery } from '../src/lib/server/notifications';
import { startDataRetention } from '../src/lib/server/platform/retentionJob';

/** The background workers `npm start` runs (sync-server/app.ts), for `npm run dev`. */
export async function startDevWorkers(): Promise<{ stop(): Promise<void> }> {
	const database = await getDatabase();
	const notifications = startNotificationDelivery(database.db, env(), logger());
	const retention = startDataRetention(database.db, logger());
	return {
		stop: async () => {
			await Promise.all([notifications.stop(), retention.stop()]);
		}
	};
}
