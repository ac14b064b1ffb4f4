import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { startRetentionJob } from './retentionJob';
import type { PurgeCounts } from './retention';

const none: PurgeCounts = { outboxEvents: 0, idempotencyKeys: 0, sessions: 0, dayDocuments: 0 };
const log = pino({ level: 'silent' });

/** A purge the test finishes by hand, so "still running" is a state it controls. */
function controlledPurge() {
	const calls: { now: Date; finish: (counts?: PurgeCounts) => void; fail: (e: Error) => void }[] = [];
	const purge = (now: Date) =>
		new Promise<PurgeCounts>((resolve, reject) => {
			calls.push({ now, finish: (counts = none) => resolve(counts), fail: reject });
		});
	return { purge, calls };
}

beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

describe('retention job', () => {
	it('purges first after the start-up wait, then once an interval after each purge ends, never two at once', async () => {
		const { purge, calls } = controlledPurge();
		const job = startRetentionJob({ purge, log, firstRunMs: 1_000, intervalMs: 60_000 });

		await vi.advanceTimersByTimeAsync(999);
		expect(calls).toHaveLength(0);
		await vi.advanceTimersByTimeAsync(1);
		expect(calls).toHaveLength(1);
		// A slow purge: however long it takes, no second one starts beside it.
		await vi.advanceTimersByTimeAsync(10 * 60_000);
		expect(calls).toHaveLength(1);
		const manual = job.runOnce();
		expect(calls).toHaveLength(1);
		calls[0].finish({ ...none, sessions: 4 });
		expect(await manual).toEqual({ ...none, sessions: 4 });

		await vi.advanceTimersByTimeAsync(59_999);
		expect(calls).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(1);
		expect(calls).toHaveLength(2);
		calls[1].finish();
		await job.stop();
	});

	it('stops with the process: stop waits for the purge in hand, and no purge starts after it', async () => {
		const { purge, calls } = controlledPurge();
		const job = startRetentionJob({ purge, log, firstRunMs: 0, intervalMs: 1_000 });
		await vi.advanceTimersByTimeAsync(0);
		expect(calls).toHaveLength(1);

		let stopped = false;
		const stopping = job.stop().then(() => (stopped = true));
		await vi.advanceTimersByTimeAsync(0);
		expect(stopped).toBe(false);
		calls[0].finish();
		await stopping;

		await vi.advanceTimersByTimeAsync(60 * 60_000);
		expect(calls).toHaveLength(1);
	});

	it('a job stopped before its first purge never purges', async () => {
		const { purge, calls } = controlledPurge();
		const job = startRetentionJob({ purge, log, firstRunMs: 1_000, intervalMs: 1_000 });
		await job.stop();
		await vi.advanceTimersByTimeAsync(60 * 60_000);
		expect(calls).toHaveLength(0);
	});

	it('keeps its schedule after a purge fails (the database was away)', async () => {
		const { purge, calls } = controlledPurge();
		const job = startRetentionJob({ purge, log, firstRunMs: 0, intervalMs: 1_000 });
		await vi.advanceTimersByTimeAsync(0);
		calls[0].fail(new Error('connection refused'));
		await vi.advanceTimersByTimeAsync(1_000);
		expect(calls).toHaveLength(2);
		calls[1].finish();
		await job.stop();
	});

	it('purges as of the time it runs', async () => {
		const { purge, calls } = controlledPurge();
		const at = new Date('2026-03-01T10:00:00Z');
		const job = startRetentionJob({ purge, log, firstRunMs: 0, intervalMs: 1_000, now: () => at });
		await vi.advanceTimersByTimeAsync(0);
		expect(calls[0].now).toBe(at);
		calls[0].finish();
		await job.stop();
	});
});
