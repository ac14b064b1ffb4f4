import type { Db } from '../../db';
import type { Clinic } from '../../db/schema';
import { loadClinic } from '../../queue/common';
import { loadQueueDay, type QueueDay } from '../../queue/queries';

type Loaded = { home: Clinic; day: QueueDay } | null;
type ShareGlobal = typeof globalThis & { __tabeebQueueDayShare?: { generation: number; loads: Map<string, Promise<Loaded>> } };

function share() {
	const g: ShareGlobal = globalThis;
	return (g.__tabeebQueueDayShare ??= { generation: 0, loads: new Map() });
}

/** Called before a queue change is published: loads begun before it are never shared after it. */
export function queueChanged(): void {
	share().generation += 1;
}

/**
 * One read of a clinic-day's queue for every projection rebuilt by the same change (the queue
 * and display documents are rebuilt together). A load is shared only while no queue change has
 * been published since it began (`queueChanged`), and only within the tick it began in (a
 * change published by another instance arrives in a later tick), so sharing never serves
 * rows older than the change that asked.
 */
export function sharedQueueDay(db: Db, clinicId: string, day: string): Promise<Loaded> {
	const { generation, loads: shared } = share();
	const key = `${clinicId}:${day}:${generation}`;
	const current = shared.get(key);
	if (current) return current;
	const load = (async (): Promise<Loaded> => {
		// Read side by side: on PostgreSQL that is one round trip instead of two.
		const [home, loaded] = await Promise.all([loadClinic(db, clinicId).catch(() => null), loadQueueDay(db, clinicId, day)]);
		return home ? { home, day: loaded } : null;
	})();
	shared.set(key, load);
	setImmediate(() => shared.delete(key));
	return load;
}
