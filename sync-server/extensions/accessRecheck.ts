import type { Connection, connectedPayload, Extension, onDisconnectPayload } from '@hocuspocus/server';
import { parseDocumentName, SyncClose, type DocumentType } from '../../src/lib/sync/protocol';
import { CHART_COMPLETED_MESSAGE, CHART_RECORD_CHANGED_MESSAGE } from '../../src/lib/sync/contracts/chart';
import type { Db } from '../../src/lib/server/db';
import type { Catalogue } from '../../src/lib/server/sync/catalogue';
import { documentAccess } from '../../src/lib/server/sync/policy';
import { logger } from '../../src/lib/server/logger';
import type { SyncContext } from '../context';

export type AccessRecheckOptions = {
	db: Db;
	catalogue: Catalogue;
	/** Kinds whose access can end by a change that republishes just them (a patient record unlinked from an account). */
	types?: DocumentType[];
};

type Open = { ctx: SyncContext; connection: Connection };

/**
 * Access is decided when a document is opened; a later change can end or narrow it (the desk
 * unlinks a patient's app account from the record, an admin suspends a member or changes their
 * role). When such a document is rebuilt, or any document of a clinic after a clinic-wide change,
 * its open connections are checked again with the same policy: a connection that may now only
 * read becomes read-only (its writes are dropped from then on), and one no longer allowed is
 * closed as forbidden for that document alone. A socket left with no document is closed with the
 * final forbidden code, so the client does not retry. A published chart whose visit is completed
 * is also announced to the connections that keep it (`CHART_RECORD_CHANGED_MESSAGE`).
 */
export class AccessRecheck implements Extension {
	extensionName = 'tabeeb-access-recheck';
	private readonly open = new Map<string, Map<string, Open>>();
	private readonly types: ReadonlySet<DocumentType>;

	constructor(private readonly options: AccessRecheckOptions) {
		this.types = new Set(options.types ?? ['patientLive', 'patientAppointments']);
	}

	async connected({ context, socketId, documentName, connection }: connectedPayload) {
		const ctx: SyncContext = context;
		if (!ctx.ref) return;
		const sockets = this.open.get(documentName) ?? new Map<string, Open>();
		sockets.set(socketId, { ctx, connection });
		this.open.set(documentName, sockets);
		// An editor who was offline while the visit was completed learns it as they come back.
		if (ctx.ref.type === 'chart' && ctx.facts?.closed) connection.sendStateless(CHART_COMPLETED_MESSAGE);
	}

	async onDisconnect({ socketId, documentName }: onDisconnectPayload) {
		const sockets = this.open.get(documentName);
		sockets?.delete(socketId);
		if (sockets?.size === 0) this.open.delete(documentName);
	}

	/**
	 * Checks the open connections of these documents again (of every kind after a clinic-wide
	 * change, and then also the open documents that belong to those clinics without naming them,
	 * such as a visit's chart); closes the ones the policy now refuses, narrows the ones it now
	 * lets only read.
	 */
	async recheck(names: string[], clinicsChanged: string[] = []): Promise<void> {
		const everyKind = clinicsChanged.length > 0;
		const published = new Set(names);
		for (const name of everyKind ? this.withClinicsDocuments(names, clinicsChanged) : names) {
			const sockets = this.open.get(name);
			const ref = parseDocumentName(name);
			if (ref && !everyKind && !this.types.has(ref.type)) continue;
			const locate = ref ? this.options.catalogue.locators[ref.type] : undefined;
			if (!sockets || !ref || !locate) continue;
			for (const [socketId, { ctx, connection }] of sockets) {
				if (!ctx.actor) continue;
				try {
					const facts = await locate(this.options.db, ref, ctx.actor);
					const access = facts ? documentAccess(ctx.actor, ref, facts) : 'none';
					if (access === 'read' && !connection.readOnly) {
						logger().info({ document: name }, 'access narrowed: the connection may only read now');
						ctx.access = 'read';
						connection.readOnly = true;
						if (ref.type === 'chart' && facts?.closed) connection.sendStateless(CHART_COMPLETED_MESSAGE);
					}
					if (access !== 'none') {
						// A completed visit's record changed (completed, amended): whoever has it open reads it again.
						if (ref.type === 'chart' && facts?.closed && published.has(name)) connection.sendStateless(CHART_RECORD_CHANGED_MESSAGE);
						continue;
					}
					sockets.delete(socketId);
					logger().info({ document: name }, 'access ended: closing the document');
					connection.close(SyncClose.forbidden);
					ctx.socket?.documentClosed(name, SyncClose.forbidden);
				} catch (err) {
					logger().warn({ err, document: name }, 'could not re-check access');
				}
			}
		}
	}

	/** The names, plus every open document whose clinic (as its facts say) is one of these. */
	private withClinicsDocuments(names: string[], clinicIds: string[]): string[] {
		const clinics = new Set(clinicIds);
		const more = [...this.open]
			.filter(([, sockets]) => [...sockets.values()].some(({ ctx }) => ctx.facts?.clinicId && clinics.has(ctx.facts.clinicId)))
			.map(([name]) => name);
		return [...new Set([...names, ...more])];
	}
}
