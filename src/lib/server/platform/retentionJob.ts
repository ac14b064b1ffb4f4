import type { Logger } from 'pino';
import type { Db } from '../db';
import { purgeExpired, type PurgeCounts, type PurgeOptions } from './retention';
import { startPeriodic } from './periodic';

export type RetentionJobOptions = {
	/** One purge as of `now`: `purgeExpired` on the process database in the app. */
	purge: (now: Date) => Promise<PurgeCounts>;
	log: Logger;
	/** Time between the end of one purge and the start of the next. */
	intervalMs: number;
	/** Wait before the first purge, so it does not compete with the process starting up. */
	firstRunMs: number;
	now: () => Date;
};

export const retentionJobDefaults = {
	intervalMs: 60 * 60_000,
	firstRunMs: 60_000,
	now: () => new Date()
} satisfies Partial<RetentionJobOptions>;

export type RetentionJob = {
	/** One purge now, unless one is already running (then it waits for that one). */
	runOnce(): Promise<PurgeCounts | null>;
	/** Stops the schedule and waits for a purge in hand to finish. */
	stop(): Promise<void>;
};

/**
 * The retention job every Tabeeb process runs: a purge, then a pause, then the next; purges of one
 * process never overlap, and purges of several processes skip each other's rows (see purgeExpired).
 */
export function startRetentionJob(options: Partial<RetentionJobOptions> & Pick<RetentionJobOptions, 'purge' | 'log'>): RetentionJob {
	const o: RetentionJobOptions = {
		purge: options.purge,
		log: options.log,
		intervalMs: options.intervalMs ?? retentionJobDefaults.intervalMs,
		firstRunMs: options.firstRunMs ?? retentionJobDefaults.firstRunMs,
		now: options.now ?? retentionJobDefaults.now
	};
	return startPeriodic(async (): Promise<PurgeCounts | null> => {
		try {
			const counts = await o.purge(o.now());
			if (Object.values(counts).some((n) => n > 0)) o.log.info(counts, 'retention: purged expired rows');
			return counts;
		} catch (err) {
			// Usually the database is away; the next interval tries again and nothing is lost by waiting.
			o.log.error({ err }, 'retention purge failed');
			return null;
		}
	}, o);
}

/**
 * Retention as the app runs it, on the process database. `isOpen` names the documents this
 * process's sync server holds in memory, which are never purged.
 */
export function startDataRetention(
	db: Db,
	log: Logger,
	options: PurgeOptions & Partial<Pick<RetentionJobOptions, 'intervalMs' | 'firstRunMs'>> = {}
): RetentionJob {
	const { intervalMs, firstRunMs, ...purgeOptions } = options;
	return startRetentionJob({ log, intervalMs, firstRunMs, purge: (now) => purgeExpired(db, now, purgeOptions) });
}
