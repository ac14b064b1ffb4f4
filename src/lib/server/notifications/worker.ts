import type { Logger } from 'pino';
import { claimDueEvents, markFailed, markProcessed, markRetry, retryDelay, type OutboxRow } from './outbox';
import type { DeliveryResult } from './deliver';
import type { Db } from '../db';

export type OutboxWorkerOptions = {
	db: Db;
	/** Delivers one claimed event; `deliverEvent` with its channels in the app. */
	deliver: (event: OutboxRow) => Promise<DeliveryResult>;
	log: Logger;
	batchSize: number;
	/** How often an idle worker looks for due events. */
	pollMs: number;
	/** How long a claim keeps other instances off an event; longer than any delivery can take. */
	leaseMs: number;
	/** After this many attempts a failing event is marked failed. */
	maxAttempts: number;
	retryDelay: (attempts: number) => number;
	/** False leaves polling off: the caller drives passes with runOnce() (tests). */
	autostart: boolean;
};

const ERROR_PAUSE_MS = 15_000;

export const outboxWorkerDefaults = {
	batchSize: 20,
	pollMs: 2_000,
	leaseMs: 5 * 60_000,
	maxAttempts: 8,
	retryDelay: (attempts: number) => retryDelay(attempts),
	autostart: true
} satisfies Partial<OutboxWorkerOptions>;

export type OutboxWorker = {
	/** One pass: claims a batch, delivers it, records the outcome. Answers how many events it claimed. */
	runOnce(): Promise<number>;
	/** Stops polling and waits for the batch in hand to be recorded. */
	stop(): Promise<void>;
};

/**
 * The outbox worker: polls for due events, delivers a batch at a time and records each outcome
 * (processed, retried later with backoff, failed after `maxAttempts`, or failed at once when
 * the delivery rejects the event as unreadable). A full batch is followed at once by the next,
 * so a backlog drains without waiting for the poll.
 */
export function startOutboxWorker(options: Partial<OutboxWorkerOptions> & Pick<OutboxWorkerOptions, 'db' | 'deliver' | 'log'>): OutboxWorker {
	const o: OutboxWorkerOptions = { ...outboxWorkerDefaults, ...options };
	let stopped = false;
	let timer: NodeJS.Timeout | undefined;
	let running: Promise<number> | null = null;

	const finish = async (event: OutboxRow, result: DeliveryResult) => {
		const deliveredTo = [...event.deliveredTo, ...result.done];
		if (result.rejected) {
			// Another attempt would read the same row the same way: give up now, with the reason for the admin.
			o.log.warn({ event: event.id, type: event.type, reason: result.rejected }, 'notification failed: event cannot be read');
			return markFailed(o.db, event.id, deliveredTo, result.rejected);
		}
		if (result.errors.length === 0) return markProcessed(o.db, event.id, deliveredTo);
		const error = result.errors.join('; ');
		if (event.attempts >= o.maxAttempts) {
			o.log.warn({ event: event.id, type: event.type, attempts: event.attempts, error }, 'notification failed: giving up');
			return markFailed(o.db, event.id, deliveredTo, error);
		}
		o.log.info({ event: event.id, type: event.type, attempts: event.attempts, error }, 'notification failed: will retry');
		return markRetry(o.db, event.id, deliveredTo, error, o.retryDelay(event.attempts));
	};

	const deliverSafely = async (event: OutboxRow): Promise<DeliveryResult> => {
		try {
			return await o.deliver(event);
		} catch (e) {
			// A bug or a database hiccup while composing: retried like any failed channel, never lost.
			return { done: [], errors: [e instanceof Error ? e.message : String(e)] };
		}
	};

	const runOnce = async (): Promise<number> => {
		const events = await claimDueEvents(o.db, o.batchSize, o.leaseMs);
		await Promise.all(events.map(async (event) => finish(event, await deliverSafely(event))));
		return events.length;
	};

	const tick = async () => {
		timer = undefined;
		if (stopped) return;
		let delay = o.pollMs;
		try {
			running = runOnce();
			const claimed = await running;
			if (claimed >= o.batchSize) delay = 0;
		} catch (e) {
			// Usually the database is away: look again less often, so the log is not flooded meanwhile.
			o.log.error({ err: e }, 'outbox worker pass failed');
			delay = Math.max(o.pollMs, ERROR_PAUSE_MS);
		} finally {
			running = null;
		}
		if (!stopped) timer = setTimeout(() => void tick(), delay);
	};

	if (o.autostart) timer = setTimeout(() => void tick(), 0);
	return {
		runOnce,
		stop: async () => {
			stopped = true;
			if (timer) clearTimeout(timer);
			timer = undefined;
			await running?.catch(() => 0);
		}
	};
}
