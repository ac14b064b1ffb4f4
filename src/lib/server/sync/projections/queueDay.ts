import type { Db } from '../../db';
import type { Clinic } from '../../db/schema';
import { loadClinic } from '../../queue/common';
import { loadQueueDay, type QueueDay } from '../../queue/queries';
import { changesSeen } from '../publish';
import { services } from '../../services';

type Loaded = { home: Clinic; day: QueueDay } | null;

function shared(): Map<string, Promise<Loaded>> {
	return services().part('queue-day-share', () => new Map<string, Promise<Loaded>>());
}

/**
 * One read of a clinic-day's queue for every projection rebuilt by the same change (the queue,
 * display and patients' live documents are rebuilt together). A load is shared only while no
 * committed change has reached this process since it began (`changesSeen`), and only within the
 * tick it began in, so sharing never serves rows older than the change that asked.
 */
export function sharedQueueDay(db: Db, clinicId: string, day: string): Promise<Loaded> {
	const loads = shared();
	const key = `${clinicId}:${day}:${changesSeen()}`;
	const current = loads.get(key);
	if (current) return current;
	const load = (async (): Promise<Loaded> => {
		// Read side by side: on PostgreSQL that is one round trip instead of two.
		const [home, loaded] = await Promise.all([loadClinic(db, clinicId).catch(() => null), loadQueueDay(db, clinicId, day)]);
		return home ? { home, day: loaded } : null;
	})();
	loads.set(key, load);
	setImmediate(() => loads.delete(key));
	return load;
}
