import type { Logger } from 'pino';
import type { Db } from '../db';
import type { Env } from '../env';
import { createMailer } from './email';
import { deliverEvent } from './deliver';
import { vapidDetails, type VapidDetails } from './vapid';
import { startOutboxWorker, type OutboxWorker, type OutboxWorkerOptions } from './worker';

/**
 * Notification delivery as the app runs it: the outbox worker with email (SMTP_URL, else the log)
 * and web push (VAPID keys from the environment or the database). `stop()` lets the batch in hand
 * finish and closes the mail connections.
 */
export function startNotificationDelivery(db: Db, config: Env, log: Logger, overrides: Partial<OutboxWorkerOptions> = {}): OutboxWorker {
	const mailer = createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, log });
	let vapid: Promise<VapidDetails> | undefined;
	const keys = () => {
		vapid ??= vapidDetails(db, config).catch((e) => {
			vapid = undefined;
			throw e;
		});
		return vapid;
	};
	const origin = config.ORIGIN ?? `http://localhost:${config.PORT}`;
	const worker = startOutboxWorker({ db, log, deliver: (event) => deliverEvent({ db, mailer, vapid: keys, origin, log }, event), ...overrides });
	return {
		runOnce: worker.runOnce,
		stop: async () => {
			await worker.stop();
			mailer.close();
		}
	};
}
