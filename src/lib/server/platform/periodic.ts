/**
 * A background job of every Tabeeb process: a pass, then a pause, then the next. Passes of one
 * process never overlap (`runOnce` during a pass waits for that pass); `stop` ends the schedule
 * and waits for a pass in hand. The pass catches its own errors (a pass that throws would end the
 * schedule's promise chain, so `startPeriodic` logs nothing itself).
 */
export type Periodic<T> = {
	/** One pass now, unless one is already running (then it waits for that one). */
	runOnce(): Promise<T>;
	/** Stops the schedule and waits for a pass in hand to finish. */
	stop(): Promise<void>;
};

export function startPeriodic<T>(pass: () => Promise<T>, timing: { intervalMs: number; firstRunMs: number }): Periodic<T> {
	let stopped = false;
	let timer: NodeJS.Timeout | undefined;
	let running: Promise<T> | null = null;

	const runOnce = (): Promise<T> => {
		running ??= pass().finally(() => {
			running = null;
		});
		return running;
	};

	const tick = async () => {
		timer = undefined;
		if (stopped) return;
		await runOnce();
		if (!stopped) timer = setTimeout(() => void tick(), timing.intervalMs);
	};

	timer = setTimeout(() => void tick(), timing.firstRunMs);
	return {
		runOnce,
		stop: async () => {
			stopped = true;
			if (timer) clearTimeout(timer);
			timer = undefined;
			await running;
		}
	};
}
