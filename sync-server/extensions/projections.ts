import type { beforeHandleMessagePayload, Extension, Hocuspocus, onLoadDocumentPayload } from '@hocuspocus/server';
import { documentKindOf, parseDocumentName, SyncClose } from '../../src/lib/sync/protocol';
import type { Db } from '../../src/lib/server/db';
import { applyProjection, type ProjectionRegistry } from '../../src/lib/server/sync/projection';
import { changeHub, changeSeen, expandChangedNames, isClinicWide } from '../../src/lib/server/sync/publish';
import { logger } from '../../src/lib/server/logger';
import { SyncRefusal } from '../context';
import { decodedFrame } from '../gate';

export type ProjectionsOptions = {
	db: Db;
	projections: ProjectionRegistry;
	/** Runs after published changes were rebuilt (access checks that the same change may end), with the ids of clinics that changed as a whole. */
	afterRebuild?: (names: string[], clinicsChanged: string[]) => Promise<void>;
};

/**
 * Server-owned documents. Loading one always builds it from Postgres; a published change
 * rebuilds the ones this instance holds, through a direct connection, so every client sees it.
 * Clients hold them read-only (see authentication); stateless messages are refused too.
 */
export class Projections implements Extension {
	extensionName = 'tabeeb-projections';
	private instance: Hocuspocus | null = null;
	private readonly running = new Map<string, Promise<void>>();
	private readonly again = new Set<string>();
	private readonly listener = (names: string[]) => void this.rebuild(names);
	private rollOverTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(private readonly options: ProjectionsOptions) {}

	async onConfigure({ instance }: { instance: Hocuspocus }) {
		this.instance = instance;
		changeHub().listeners.add(this.listener);
		this.scheduleRollOver();
	}

	async onDestroy() {
		changeHub().listeners.delete(this.listener);
		if (this.rollOverTimer) clearTimeout(this.rollOverTimer);
		this.rollOverTimer = null;
	}

	/**
	 * Rebuilds the open projections that are not named by a day but show "today" (who is on duty,
	 * a patient's queue card): nothing in Postgres changes at a clinic's midnight, so no command
	 * publishes it.
	 */
	async rollOver(): Promise<void> {
		const names = [...(this.instance?.documents.keys() ?? [])].filter((name) => {
			const ref = parseDocumentName(name);
			return ref !== null && documentKindOf(ref) === 'projection' && !('day' in ref);
		});
		await this.rebuild(names);
	}

	/** Every time zone's midnight falls on a quarter hour of UTC, so checking just after each one is enough. */
	private scheduleRollOver() {
		const quarter = 15 * 60_000;
		const wait = quarter - (Date.now() % quarter) + 2_000;
		this.rollOverTimer = setTimeout(() => {
			void this.rollOver();
			this.scheduleRollOver();
		}, wait);
		this.rollOverTimer.unref?.();
	}

	async onLoadDocument({ documentName, document }: onLoadDocumentPayload) {
		const ref = parseDocumentName(documentName);
		if (!ref || documentKindOf(ref) !== 'projection') return;
		const build = this.options.projections[ref.type];
		// A kind whose domain has not registered a builder yet is an empty, read-only document.
		if (build) applyProjection(document, await build(this.options.db, ref));
	}

	async beforeHandleMessage({ documentName, update }: beforeHandleMessagePayload) {
		const ref = parseDocumentName(documentName);
		if (!ref || documentKindOf(ref) !== 'projection') return;
		const frame = decodedFrame(update);
		if (frame.type === 'stateless' || frame.type === 'broadcastStateless') throw new SyncRefusal(SyncClose.forbidden.code, SyncClose.forbidden.reason);
	}

	/** Rebuilds each named projection held here (`clinic/{id}/*`: all of that clinic's); overlapping requests for one name coalesce. */
	async rebuild(published: string[]): Promise<void> {
		// A committed change (perhaps another instance's): reads begun before it are not shared with these rebuilds.
		changeSeen();
		const names = expandChangedNames(published, this.instance?.documents.keys() ?? []);
		await Promise.all(names.map((name) => this.schedule(name)));
		await this.options.afterRebuild?.(
			names,
			published.filter(isClinicWide).flatMap((name) => /^clinic\/([^/]+)\/\*$/.exec(name)?.[1] ?? [])
		);
	}

	private schedule(name: string): Promise<void> {
		const current = this.running.get(name);
		if (current) {
			this.again.add(name);
			return current;
		}
		const run = this.rebuildOne(name).finally(() => {
			this.running.delete(name);
			if (this.again.delete(name)) void this.schedule(name);
		});
		this.running.set(name, run);
		return run;
	}

	private async rebuildOne(name: string): Promise<void> {
		const instance = this.instance;
		const ref = parseDocumentName(name);
		if (!instance || !ref || documentKindOf(ref) !== 'projection') return;
		// A document still loading may have read Postgres before the change committed.
		const loading = instance.loadingDocuments.get(name);
		if (loading) await loading.catch(() => null);
		if (!instance.documents.has(name)) return;
		const build = this.options.projections[ref.type];
		if (!build) return;
		try {
			const content = await build(this.options.db, ref);
			const connection = await instance.openDirectConnection(name, { projectionWriter: true });
			// The change reaches clients inside transact's synchronous part; what follows are store
			// hooks (with Redis, a lock and a settle delay), which the next rebuild need not wait for.
			const stored = connection.transact((doc) => applyProjection(doc, content));
			void stored.finally(() => connection.disconnect()).catch((err) => logger().warn({ err, document: name }, 'projection store hooks failed'));
		} catch (err) {
			logger().error({ err, document: name }, 'projection rebuild failed');
		}
	}
}
