import type { Logger } from 'pino';
import type { Db } from '../db';
import { remindStaleReferrals } from './referrals';
import { startPeriodic } from '../platform/periodic';

/**
 * The background job that reminds referring doctors of unanswered referrals: one pass an hour
 * (the first a minute after start), never two at once in a process; several processes skip each
 * other's rows (`FOR UPDATE SKIP LOCKED`) and a referral is reminded of once.
 */
export function startReferralReminders(db: Db, log: Logger, options: { intervalMs?: number; firstRunMs?: number } = {}) {
	const intervalMs = options.intervalMs ?? 60 * 60_000;
	return startPeriodic(
		async () => {
			try {
				const reminded = await remindStaleReferrals(db);
				if (reminded > 0) log.info({ reminded }, 'referrals: reminded referring doctors');
			} catch (err) {
				log.error({ err }, 'referral reminders failed');
			}
		},
		{ intervalMs, firstRunMs: options.firstRunMs ?? 60_000 }
	);
}
