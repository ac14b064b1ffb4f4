import type { connectedPayload, Extension, onDisconnectPayload } from '@hocuspocus/server';
import { parseDocumentName, SyncClose, type DocumentType } from '../../src/lib/sync/protocol';
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

/**
 * Access is decided when a document is opened; a later change can end it (the desk unlinks a
 * patient's app account from the record, an admin suspends a member). When such a document is
 * rebuilt, or any document of a clinic after a clinic-wide change, its open connections are checked
 * again with the same policy, and those no longer allowed are closed as forbidden (a final code:
 * the client does not retry).
 */
export class AccessRecheck implements Extension {
	extensionName = 'tabeeb-access-recheck';
	private readonly open = new Map<string, Map<string, SyncContext>>();
	private readonly types: ReadonlySet<DocumentType>;

	constructor(private readonly options: AccessRecheckOptions) {
		this.types = new Set(options.types ?? ['patientLive']);
	}

	async connected({ context, socketId, documentName }: connectedPayload) {
		const ctx: SyncContext = context;
		if (!ctx.ref) return;
		const sockets = this.open.get(documentName) ?? new Map<string, SyncContext>();
		sockets.set(socketId, ctx);
		this.open.set(documentName, sockets);
	}

	async onDisconnect({ socketId, documentName }: onDisconnectPayload) {
		const sockets = this.open.get(documentName);
		sockets?.delete(socketId);
		if (sockets?.size === 0) this.open.delete(documentName);
	}

	/** Checks the open connections of these documents again (of every kind after a clinic-wide change); closes the ones the policy now refuses. */
	async recheck(names: string[], everyKind = false): Promise<void> {
		for (const name of names) {
			const sockets = this.open.get(name);
			const ref = parseDocumentName(name);
			if (ref && !everyKind && !this.types.has(ref.type)) continue;
			const locate = ref ? this.options.catalogue.locators[ref.type] : undefined;
			if (!sockets || !ref || !locate) continue;
			for (const [socketId, ctx] of sockets) {
				if (!ctx.actor) continue;
				try {
					const facts = await locate(this.options.db, ref, ctx.actor);
					if (facts && documentAccess(ctx.actor, ref, facts) !== 'none') continue;
					sockets.delete(socketId);
					logger().info({ document: name }, 'access ended: closing the connection');
					ctx.socket?.close(SyncClose.forbidden);
				} catch (err) {
					logger().warn({ err, document: name }, 'could not re-check access');
				}
			}
		}
	}
}
