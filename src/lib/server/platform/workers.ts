import type { Services } from '../services';
import { startNotificationDelivery } from '../notifications';
import { startDataRetention } from './retentionJob';
import { startReferralReminders } from '../referrals/reminders';
import { startStockDigests } from '../pharmacy/digest';

/**
 * The background work every web process runs (`npm start` and `npm run dev`; not a standalone
 * sync instance): outbox delivery (every instance runs one, claims keep them apart), the hourly
 * retention purge, the hourly referral reminders and the daily stock digests. All stop when the services close.
 */
export async function startBackgroundWorkers(services: Services, options: { isOpen?: (documentName: string) => boolean } = {}): Promise<void> {
	const { db } = await services.database();
	const notifications = startNotificationDelivery(db, services.config, services.logger);
	// Never purges a document this process holds open.
	const retention = startDataRetention(db, services.logger, { isOpen: options.isOpen });
	const referralReminders = startReferralReminders(db, services.logger);
	const stockDigests = startStockDigests(db, services.logger);
	services.onClose(() => Promise.all([notifications.stop(), retention.stop(), referralReminders.stop(), stockDigests.stop()]));
}
