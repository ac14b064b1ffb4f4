import { z } from 'zod';
import { parseDocumentName } from '../../sync/protocol';
import { logger } from '../logger';
import { services } from '../services';

/**
 * After a command commits, `runCommand` publishes the names of the projections it recorded
 * (changes.ts); every sync instance holding one of them rebuilds it from Postgres. In one
 * process the hub delivers directly; a sync server with Redis installs a transport that reaches
 * every instance. The hub is a part of the process's services (services.ts), shared by the
 * SvelteKit bundle and the server entry, which each carry a copy of this module.
 */
type Listener = (names: string[]) => void;
type Transport = (names: string[]) => Promise<void>;
type ChangeHub = { listeners: Set<Listener>; transports: Set<Transport>; seen: number };

export const PROJECTION_CHANNEL = 'projection-changes';
export const changeMessage = z.object({ names: z.array(z.string().max(200)).max(1000) });

export function changeHub(): ChangeHub {
	return services().part<ChangeHub>('change-hub', () => ({ listeners: new Set(), transports: new Set(), seen: 0 }));
}

/**
 * How many committed changes this process has published or received. A read of Postgres begun at
 * an earlier count may be older than a change, so reads are shared only within one count
 * (`sharedQueueDay`). The count moves only after a commit (`publishChanges`, which `runCommand`
 * calls once the transaction has committed, and `Projections.rebuild` for changes from other
 * instances), never before: a read begun between an early move and the commit would see the old
 * rows and still be shared as new.
 */
export function changesSeen(): number {
	return changeHub().seen;
}

/** A committed change has reached this process (see `changesSeen`). */
export function changeSeen(): void {
	changeHub().seen += 1;
}

/**
 * Tells the sync instances that these documents changed in Postgres: document names, and
 * `clinic/{id}/*` for everything of a clinic (`clinicWide`). Commands never call this: they name
 * their documents with `documentsChanged` (changes.ts) and `runCommand` publishes them after
 * commit. Never throws (the change already committed): true when the names were handed on (or
 * there was nothing to say), false when publishing failed.
 */
export async function publishChanges(names: string[]): Promise<boolean> {
	changeSeen();
	const valid = names.filter((name) => (isClinicWide(name) ? UUID.test(name.slice('clinic/'.length, -WIDE_SUFFIX.length)) : parseDocumentName(name) !== null));
	return send(valid);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WIDE_SUFFIX = '/*';

/** `clinic/{id}/*`: every document of the clinic, on the wire between instances. */
export function clinicWide(clinicId: string): string {
	return `clinic/${clinicId}${WIDE_SUFFIX}`;
}

export const isClinicWide = (name: string) => name.endsWith(WIDE_SUFFIX);

/** The documents held here that a published name stands for: itself, or the clinic's for `clinic/{id}/*`. */
export function expandChangedNames(names: string[], held: Iterable<string>): string[] {
	const prefixes = names.filter(isClinicWide).map((n) => n.slice(0, -1));
	const plain = names.filter((n) => !isClinicWide(n));
	if (prefixes.length === 0) return plain;
	const wide = [...held].filter((name) => prefixes.some((prefix) => name.startsWith(prefix)));
	return [...new Set([...plain, ...wide])];
}

async function send(valid: string[]): Promise<boolean> {
	if (valid.length === 0) return true;
	const hub = changeHub();
	try {
		const [transport] = hub.transports;
		if (transport) {
			await transport(valid);
			return true;
		}
		// A sync server in this process without Redis hears it directly; only a web-only process
		// (sync instances run apart) needs Redis to reach them.
		if (hub.listeners.size > 0) {
			for (const listener of hub.listeners) listener(valid);
			return true;
		}
		if (services().config.REDIS_URL) await redisPublisher()(valid);
		return true;
	} catch (err) {
		// A lost change leaves a projection stale until it is published again (recorded changes are, at the next start).
		logger().error({ err, names: valid }, 'could not publish projection changes');
		return false;
	}
}

/** A web-only process (sync instances run apart) reaches them through Redis, on the instances' own channel. */
function redisPublisher(): Transport {
	return services().part<Transport>('change-publisher', () => {
		const { REDIS_PREFIX } = services().config;
		const client = services().redis({ lazyConnect: false, maxRetriesPerRequest: 2 });
		return async (names: string[]) => {
			await client.publish(`${REDIS_PREFIX}:${PROJECTION_CHANNEL}`, JSON.stringify({ names }));
		};
	});
}
